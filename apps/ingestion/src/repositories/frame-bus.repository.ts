import { Injectable } from '@nestjs/common';
import { headers } from 'nats';
import { CameraStatusMessage, FrameHeaders, Streams, Subjects } from '@hallwatch/contracts';
import { NatsAdapter, NatsLink } from '@hallwatch/runtime';

/**
 * Frames (core NATS, at most once: a late frame is worth nothing) and camera status (JetStream:
 * a status change must not be lost), on the process's connection (NatsAdapter).
 */
@Injectable()
export class FrameBusRepository {
  /** Held once connected, so a frame is published without waiting (see publishFrame). */
  private link?: NatsLink;

  constructor(private readonly nats: NatsAdapter) {}

  async connect(): Promise<void> {
    await this.nats.ensureStream(Streams.cameras);
    this.link = await this.nats.link();
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
    await this.nats.publish(Streams.cameras, Subjects.cameraStatus(status.cameraId), status, {});
  }
}
