import { LoggerService } from '@nestjs/common';
import type { CameraConfig } from '@hallwatch/config';
import type { CameraStatus, CameraStatusMessage } from '@hallwatch/contracts';
import { maskCredentials } from '@hallwatch/runtime';
import type { Capture, FfmpegRepository } from '../repositories/ffmpeg.repository';
import type { OnvifRepository } from '../repositories/onvif.repository';
import { backoffDelay } from '../utils/backoff';
import { CaptureSpec, decodeKeyframesOnly } from '../utils/capture-args';
import { DropQueue } from '../utils/drop-queue';
import { FreezeWatch, Picture } from '../utils/freeze-watch';
import { keyframeInterval } from '../utils/profile-choice';
import { probeSeconds } from '../utils/stream-probe';

/** A camera that delivers no frame for this many sample intervals is offline. */
export const STALE_AFTER_INTERVALS = 3;
/**
 * Connecting (RTSP handshake, codec probing, the first keyframe; a loaded RTSP server takes 5-10 s)
 * may take this long before the first frame of a connection.
 */
const FIRST_FRAME_GRACE_MS = 20000;
/** Frames waiting for NATS; older ones are dropped (and counted) when it is unreachable. */
const QUEUE_CAPACITY = 2;
/**
 * When the look at connecting left a camera decoding every frame (keyframes too sparse, or too few
 * to tell), it looks again after these delays, the last one repeating. That look is often wrong on
 * a loaded machine or while the RTSP server starts, and decoding every frame costs about 6 times as
 * much for as long as the connection lasts (hours): soon first, then rarely, so that a camera whose
 * keyframes really are sparse costs one ffprobe per half hour.
 */
export const LOOK_AGAIN_AFTER_MS = [60_000, 5 * 60_000, 30 * 60_000];

export interface Frame {
  jpeg: Buffer;
  capturedAt: Date;
  seq: number;
}

export interface CameraUnitDeps {
  ffmpeg: FfmpegRepository;
  onvif: OnvifRepository;
  log: LoggerService;
  /** Called for each frame ffmpeg delivers, before it is compared with the last one (for hallwatch_frames_received_total). */
  frameReceived: (unit: CameraUnit) => void;
  /** Called after each frame is queued; takes frames from `unit.queue`. */
  framesQueued: (unit: CameraUnit) => void;
  statusChanged: (status: CameraStatusMessage) => void;
}

/**
 * One camera, supervised: resolves its stream (ONVIF or plain RTSP), runs ffmpeg, declares it
 * offline when ffmpeg fails or frames stop for STALE_AFTER_INTERVALS intervals, and reconnects
 * with exponential backoff and jitter; declares it frozen when its picture has not changed for
 * `frozenAfterMs`. Nothing here throws into the process: a dead camera only ever changes its own
 * status.
 */
export class CameraUnit {
  readonly queue = new DropQueue<Frame>(QUEUE_CAPACITY);
  private status?: CameraStatus;
  private failures = 0;
  private seq = 0;
  private capture?: Capture;
  private connectedAt = 0;
  /** Arrival of the last frame of the current connection (undefined until its first). */
  private lastFrameAt?: number;
  /** Arrival of the last frame of any connection (undefined until the first). */
  private lastSeenAt?: number;
  private staleReason?: string;
  private watchdog?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  /** The next look at the stream, while a connection decodes every frame for what the look at connecting found. */
  private lookAgain?: NodeJS.Timeout;
  private looksAgain = 0;
  /** Set while the capture is stopped to be replaced by a keyframes-only one: onEnded starts that instead of failing. */
  private restartWith?: { url: string; spec: CaptureSpec };
  private stopped = false;
  /** Kept across connections: a frozen encoder is still frozen after a reconnect. */
  private readonly freeze: FreezeWatch;

  constructor(
    readonly camera: CameraConfig,
    private readonly deps: CameraUnitDeps,
    frozenAfterMs: number,
  ) {
    this.freeze = new FreezeWatch(frozenAfterMs);
  }

  get id(): string {
    return this.camera.id;
  }

  get ffmpegPid(): number | undefined {
    return this.capture?.pid;
  }

  /** The status last reported (undefined before the first). */
  get currentStatus(): CameraStatus | undefined {
    return this.status;
  }

  /** When the camera's last frame arrived, over reconnects (null before the first). */
  lastFrameTime(): string | null {
    return this.lastSeenAt === undefined ? null : new Date(this.lastSeenAt).toISOString();
  }

  /** Seconds since the camera's last frame arrived, over reconnects (undefined before the first). */
  frameAgeSeconds(now = Date.now()): number | undefined {
    return this.lastSeenAt === undefined ? undefined : (now - this.lastSeenAt) / 1000;
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.watchdog);
    clearTimeout(this.lookAgain);
    this.capture?.stop();
  }

  private async connect(): Promise<void> {
    clearTimeout(this.lookAgain);
    let source: { url: string; spec: CaptureSpec; learned: boolean };
    try {
      source = await this.resolveSource();
    } catch (err) {
      return this.failed((err as Error).message);
    }
    if (this.stopped) return;
    this.startCapture(source.url, source.spec);
    if (source.learned && !decodeKeyframesOnly(source.spec)) {
      this.looksAgain = 0;
      this.scheduleLookAgain(source.url, source.spec);
    }
  }

  /** Starts ffmpeg with the first-frame grace; on a reconnect and on a keyframes-only restart alike. */
  private startCapture(url: string, spec: CaptureSpec): void {
    this.staleReason = undefined;
    this.connectedAt = Date.now();
    this.lastFrameAt = undefined;
    this.capture = this.deps.ffmpeg.capture(url, spec, {
      frame: (jpeg, picture) => this.onFrame(jpeg, picture),
      ended: (reason) => this.onEnded(reason),
    });
    this.armWatchdog(Math.max(FIRST_FRAME_GRACE_MS, this.staleAfterMs));
  }

  /** Returns the delay, in ms. */
  private scheduleLookAgain(url: string, spec: CaptureSpec): number {
    const capture = this.capture;
    const delay = LOOK_AGAIN_AFTER_MS[Math.min(this.looksAgain++, LOOK_AGAIN_AFTER_MS.length - 1)];
    this.lookAgain = setTimeout(() => void this.lookAgainAt(url, spec, capture), delay);
    return delay;
  }

  /**
   * A second ffprobe on the stream while the capture keeps running. Keyframes dense enough: the
   * capture is restarted decoding keyframes only, without going offline. Otherwise (or when
   * ffprobe fails) the next look is scheduled.
   */
  private async lookAgainAt(url: string, spec: CaptureSpec, capture: Capture | undefined): Promise<void> {
    const seconds = probeSeconds(spec.sampleEverySeconds);
    let found: string;
    let next: CaptureSpec | undefined;
    try {
      const { keyframeEverySeconds } = await this.deps.ffmpeg.probe(url, seconds);
      next = { ...spec, keyframeEverySeconds };
      found =
        keyframeEverySeconds === undefined
          ? `fewer than two keyframes in ${seconds} s of stream`
          : `a keyframe every ${keyframeEverySeconds} s`;
    } catch (err) {
      found = maskCredentials((err as Error).message);
    }
    // The connection may have ended, or the unit stopped, during the look: its answer is of no use then.
    if (this.stopped || this.capture !== capture) return;
    if (next && decodeKeyframesOnly(next)) {
      this.deps.log.log(`camera ${this.id}: ${found} (learned again from the stream): decoding keyframes only`);
      this.restartWith = { url, spec: next };
      capture?.stop(); // onEnded follows and starts the new capture
      return;
    }
    const delay = this.scheduleLookAgain(url, spec);
    this.deps.log.log(`camera ${this.id}: looked at the stream again: ${found}; still every frame decoded, next look in ${delay / 1000} s`);
  }

  private async resolveSource(): Promise<{ url: string; spec: CaptureSpec; learned: boolean }> {
    const { sampleEverySeconds, analysisWidth } = this.camera;
    let url = this.camera.rtsp;
    let keyframeEverySeconds = this.camera.keyframeEverySeconds;
    if (!url) {
      const stream = await this.deps.onvif.resolveStream(this.camera.onvif!, analysisWidth).catch((err: Error) => {
        throw new Error(`ONVIF: ${err.message}`);
      });
      const { profile, device } = stream;
      this.deps.log.log(
        `camera ${this.id}: ONVIF ${[device.manufacturer, device.model].filter(Boolean).join(' ') || 'device'}, profile ` +
          `${profile.name} ${profile.width ?? '?'}x${profile.height ?? '?'}, snapshot URI ${stream.snapshotUri ? 'available' : 'none'}`,
      );
      url = stream.streamUri;
      keyframeEverySeconds ??= keyframeInterval(profile);
    }
    const spec: CaptureSpec = { sampleEverySeconds, analysisWidth, keyframeEverySeconds };
    if (keyframeEverySeconds === undefined) {
      // Learned anew at every connection: a camera's GOP may have been changed in the meantime.
      // A look that leaves every frame decoded is taken again later (LOOK_AGAIN_AFTER_MS).
      const seconds = probeSeconds(sampleEverySeconds);
      spec.keyframeEverySeconds = (await this.deps.ffmpeg.probe(url, seconds)).keyframeEverySeconds;
      this.deps.log.log(
        `camera ${this.id}: ` +
          (spec.keyframeEverySeconds === undefined
            ? `fewer than two keyframes in ${seconds} s of stream`
            : `a keyframe every ${spec.keyframeEverySeconds} s (learned from the stream)`) +
          `: ${decodeKeyframesOnly(spec) ? 'decoding keyframes only' : `decoding every frame for one sample per ${sampleEverySeconds} s`}`,
      );
      return { url, spec, learned: true };
    }
    return { url, spec, learned: false };
  }

  private get staleAfterMs(): number {
    return STALE_AFTER_INTERVALS * this.camera.sampleEverySeconds * 1000;
  }

  /**
   * A new picture is published; the same picture again is held back (a live camera never sends
   * one: sensor noise, the on-screen clock), so a frozen stream confirms no state and its windows
   * go stale, and after `frozenAfterMs` the camera is reported frozen.
   */
  private onFrame(jpeg: Buffer, picture: Picture): void {
    if (this.stopped) return;
    const at = Date.now();
    this.lastFrameAt = at;
    this.lastSeenAt = at;
    this.failures = 0;
    this.deps.frameReceived(this);
    this.armWatchdog(this.staleAfterMs);
    const verdict = this.freeze.observe(at, picture);
    if (verdict.repeated) {
      if (verdict.frozen) this.setStatus('frozen', `the picture has not changed for ${Math.round((at - verdict.since) / 1000)} s`);
      return;
    }
    this.setStatus('online');
    this.queue.push({ jpeg, capturedAt: new Date(at), seq: ++this.seq });
    this.deps.framesQueued(this);
  }

  /** Declares the stream stale unless a frame re-arms the watchdog within `ms`. */
  private armWatchdog(ms: number): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => {
      const now = Date.now();
      this.staleReason =
        this.lastFrameAt === undefined
          ? `no frame within ${Math.round((now - this.connectedAt) / 1000)} s of connecting`
          : `no frame for ${Math.round((now - this.lastFrameAt) / 1000)} s`;
      this.capture?.stop(); // onEnded follows and reconnects
    }, ms);
  }

  private onEnded(reason: string): void {
    clearTimeout(this.watchdog);
    this.capture = undefined;
    const restart = this.restartWith;
    this.restartWith = undefined;
    if (this.stopped) return;
    // Stopped on purpose to decode keyframes only: straight on, no failure, no backoff.
    if (restart) return this.startCapture(restart.url, restart.spec);
    clearTimeout(this.lookAgain);
    this.failed(this.staleReason ?? reason);
  }

  private failed(reason: string): void {
    if (this.stopped) return;
    const safe = maskCredentials(reason).slice(0, 300);
    this.setStatus('offline', safe);
    const delay = backoffDelay(this.failures++);
    this.deps.log.warn(`camera ${this.id}: ${safe}; reconnect attempt ${this.failures} in ${delay} ms`);
    this.retry = setTimeout(() => void this.connect(), delay);
  }

  private setStatus(status: CameraStatus, reason?: string): void {
    if (this.status === status) return;
    this.status = status;
    this.deps.log.log(`camera ${this.id} ${status}${reason ? `: ${reason}` : ''}`);
    this.deps.statusChanged({ cameraId: this.id, status, at: new Date().toISOString(), ...(reason ? { reason } : {}) });
  }
}
