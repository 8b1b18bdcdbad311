import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { headers } from 'nats';
import { CameraStatusMessage, encodeMessage, FrameHeaders, Streams, Subjects } from '@hallwatch/contracts';
import type { NatsAuth } from '@hallwatch/config';
import { NatsLink } from '@hallwatch/runtime';

/**
 * Frames (core NATS, at most once: a late frame is worth nothing) and camera status (JetStream:
 * a status change must not be lost).
 */
@Injectable()
export class FrameBusRepository implements OnApplicationShutdown {
  private readonly log = new Logger(FrameBusRepository.name);
  private link?: NatsLink;

  async connect(natsUrl: string, name: string, replicas: number, auth?: NatsAuth): Promise<void> {
    this.link = await NatsLink.open(natsUrl, name, replicas, this.log, auth);
    await this.link.ensureStream(Streams.cameras);
  }

  /** While NATS is unreachable, frames are not buffered by the client: the caller's queue decides. */
  get connected(): boolean {
    return !!this.link?.connected;
  }

  /** Resolves once NATS answered a ping (see NatsLink.reachable). */
  async reachable(timeoutMs: number): Promise<void> {
    if (!this.link) throw new Error('not connected yet');
    await this.link.reachable(timeoutMs);
  }

  publishFrame(cameraId: string, jpeg: Buffer, capturedAt: Date, seq: number): void {
    const h = headers();
    h.set(FrameHeaders.cameraId, cameraId);
    h.set(FrameHeaders.capturedAt, capturedAt.toISOString());
    h.set(FrameHeaders.seq, String(seq));
    this.link!.nc.publish(Subjects.frames(cameraId), jpeg, { headers: h });
  }

  async publishStatus(status: CameraStatusMessage): Promise<void> {
    if (!this.link) throw new Error('not connected to NATS');
    await this.link.jetstream().publish(Subjects.cameraStatus(status.cameraId), encodeMessage(status));
  }

  // After the services stopped (their hooks run in onModuleDestroy, before this).
  async onApplicationShutdown(): Promise<void> {
    await this.link?.close();
  }
}
