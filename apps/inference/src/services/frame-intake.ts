import type { Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import type { RateLimitedLog } from '@hallwatch/runtime';
import type { FrameSample } from '../repositories/nats.repository';
import { CaptureClocks, checkStamp } from './capture-clock';
import { FrameBacklog } from './frame-backlog';
import type { SiteHalls } from './site-halls';

/** Frames a camera may have waiting for the detector before the oldest is dropped. */
const BACKLOG_LIMIT = 8;

/** Frames in: checks each frame's capture stamp, keeps the cameras' capture clocks, keeps a backlog of frames per camera for judging. */
export class FrameIntake {
  private readonly clocks = new CaptureClocks();
  private readonly frames: FrameBacklog<FrameSample>;

  /** `held` says whether this instance monitors a hall; `judge` takes each camera's frames one at a time, in capture order. */
  constructor(
    private readonly site: SiteHalls,
    private readonly held: (hallId: string) => boolean,
    judge: (cameraId: string, frame: FrameSample) => Promise<void>,
    private readonly dropped: Counter<'camera' | 'reason'>,
    private readonly warnings: RateLimitedLog,
    log: Logger,
  ) {
    this.frames = new FrameBacklog<FrameSample>(
      judge,
      BACKLOG_LIMIT,
      (cameraId, frame) => {
        this.dropped.inc({ camera: cameraId, reason: 'detector_behind' });
        this.warnings.warn(`drop:${cameraId}`, `camera ${cameraId}: frame ${frame.seq} dropped, the detector is behind`);
      },
      (cameraId, frame, err) => log.error(`camera ${cameraId}: frame ${frame.seq} not analysed: ${(err as Error).message}`),
    );
  }

  /** A frame arrived: its capture stamp is checked, then it waits for judging behind the camera's earlier frames. */
  receive(frame: FrameSample): void {
    const hallId = this.site.hallOf(frame.cameraId);
    if (hallId === undefined) {
      this.warnings.warn('unknown-camera', `frame from camera ${frame.cameraId} dropped: not in the site file`);
      return;
    }
    // Still arriving just after the hall was given up: nothing of a hall not held is kept.
    if (!this.held(hallId)) return;
    const receivedAt = Date.now();
    const stamp = checkStamp(frame.capturedAt, receivedAt);
    if (!stamp.ok) {
      this.dropped.inc({ camera: frame.cameraId, reason: 'clock_skew' });
      this.skewed(frame, `refused: ${stamp.reason}`);
      return;
    }
    if (stamp.clamped) this.skewed(frame, `${frame.capturedAt - receivedAt} ms ahead of its receipt: stamped with the receipt time`);
    this.clocks.received(frame.cameraId, stamp.at, receivedAt);
    this.frames.push(frame.cameraId, { ...frame, capturedAt: stamp.at });
  }

  /** The camera's capture time at wall time `wallNow`, held at its oldest frame still waiting (see CaptureClocks). */
  clock(cameraId: string, wallNow: number): number {
    return this.clocks.now(cameraId, wallNow, this.frames.oldestWaiting(cameraId));
  }

  /** The cameras are no longer followed: taken again later, they start like cameras not heard from. */
  forget(cameras: readonly string[]): void {
    for (const cameraId of cameras) this.clocks.forget(cameraId);
  }

  private skewed(frame: FrameSample, what: string): void {
    this.warnings.warn(
      `skew:${frame.cameraId}`,
      `camera ${frame.cameraId}: frame ${frame.seq} ${new Date(frame.capturedAt).toISOString()} ${what} (logged once a minute)`,
    );
  }
}
