import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { connect, Msg, NatsConnection } from 'nats';
import sharp from 'sharp';
import { FrameHeaders } from '@hallwatch/contracts';
export { startRtspServer } from '../../apps/cli/src/demo-camera';
import { MEDIA } from '../support/e2e';

export const clip = (name: string) => path.join(MEDIA, name);

/** A site file with one hall and the given camera entries (YAML flow mappings). */
export function siteYaml(cameras: string[]): string {
  return `
halls:
  - { id: h1, name: Test hall, kind: hall }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
cameras:
${cameras.map((c) => `  - ${c}`).join('\n')}
`;
}

export interface ReceivedFrame {
  cameraId: string;
  capturedAt: string;
  seq: number;
  jpeg: Buffer;
  receivedAt: number;
}

export interface StatusEvent {
  cameraId: string;
  status: 'online' | 'offline' | 'frozen';
  at: string;
  reason?: string;
  raw: string;
}

/** Watches frames and camera status on the test NATS (as inference would). */
export class BusWatcher {
  readonly frames: ReceivedFrame[] = [];
  readonly statuses: StatusEvent[] = [];
  private constructor(private readonly nc: NatsConnection) {}

  static async start(): Promise<BusWatcher> {
    const watcher = new BusWatcher(await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL! }));
    watcher.nc.subscribe('hallwatch.frames.*', {
      callback: (_err, msg: Msg) =>
        watcher.frames.push({
          cameraId: msg.headers?.get(FrameHeaders.cameraId) ?? '',
          capturedAt: msg.headers?.get(FrameHeaders.capturedAt) ?? '',
          seq: Number(msg.headers?.get(FrameHeaders.seq)),
          jpeg: Buffer.from(msg.data),
          receivedAt: Date.now(),
        }),
    });
    watcher.nc.subscribe('hallwatch.camera.*.status', {
      callback: (_err, msg: Msg) => {
        const raw = Buffer.from(msg.data).toString('utf8');
        watcher.statuses.push({ ...JSON.parse(raw), raw });
      },
    });
    await watcher.nc.flush();
    return watcher;
  }

  get connection(): NatsConnection {
    return this.nc;
  }

  framesOf(cameraId: string, since = 0): ReceivedFrame[] {
    return this.frames.filter((f) => f.cameraId === cameraId && f.receivedAt >= since);
  }

  lastStatus(cameraId: string): StatusEvent | undefined {
    return this.statuses.filter((s) => s.cameraId === cameraId).pop();
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

/** Width, height and format of a JPEG, by decoding it. */
export async function jpegInfo(jpeg: Buffer): Promise<{ format?: string; width?: number; height?: number }> {
  const meta = await sharp(jpeg).metadata();
  await sharp(jpeg).raw().toBuffer(); // throws on a truncated or corrupt image
  return { format: meta.format, width: meta.width, height: meta.height };
}

export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}
