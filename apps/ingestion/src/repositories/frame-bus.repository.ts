import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect, headers, JetStreamClient, NatsConnection } from 'nats';
import { CameraStatusMessage, encodeMessage, FrameHeaders, Streams, Subjects } from '@hallwatch/contracts';

/**
 * Frames (core NATS, at most once: a late frame is worth nothing) and camera status (JetStream:
 * a status change must not be lost).
 */
@Injectable()
export class FrameBusRepository implements OnApplicationShutdown {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private online = false;

  async connect(natsUrl: string, name: string): Promise<void> {
    this.nc = await connect({ servers: natsUrl, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
    this.online = true;
    void (async () => {
      for await (const s of this.nc!.status()) {
        if (s.type === 'disconnect') this.online = false;
        if (s.type === 'reconnect') this.online = true;
      }
    })();
    const jsm = await this.nc.jetstreamManager();
    const { name: stream, subjects } = Streams.cameras;
    await jsm.streams.info(stream).catch(() => jsm.streams.add({ name: stream, subjects: [...subjects] }));
    this.js = this.nc.jetstream();
  }

  /** While NATS is unreachable, frames are not buffered by the client: the caller's queue decides. */
  get connected(): boolean {
    return this.online && !!this.nc && !this.nc.isClosed();
  }

  publishFrame(cameraId: string, jpeg: Buffer, capturedAt: Date, seq: number): void {
    const h = headers();
    h.set(FrameHeaders.cameraId, cameraId);
    h.set(FrameHeaders.capturedAt, capturedAt.toISOString());
    h.set(FrameHeaders.seq, String(seq));
    this.nc!.publish(Subjects.frames(cameraId), jpeg, { headers: h });
  }

  async publishStatus(status: CameraStatusMessage): Promise<void> {
    if (!this.js) throw new Error('not connected to NATS');
    await this.js.publish(Subjects.cameraStatus(status.cameraId), encodeMessage(status));
  }

  // After the services stopped (their hooks run in onModuleDestroy, before this).
  async onApplicationShutdown(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
  }
}
