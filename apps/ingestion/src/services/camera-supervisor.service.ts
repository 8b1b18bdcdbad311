import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CameraStatusMessage } from '@hallwatch/contracts';
import type { Counter } from 'prom-client';
import {
  HallwatchLogger,
  InjectContext,
  LeaseDropReason,
  leaseInstanceName,
  LeaseKeeper,
  leaseReadiness,
  READINESS_TIMEOUT_MS,
  framesDroppedCounter,
  ServiceContext,
  ServiceMetrics,
} from '@hallwatch/runtime';
import { FfmpegRepository } from '../repositories/ffmpeg.repository';
import { FrameBusRepository } from '../repositories/frame-bus.repository';
import { LeaseRepository } from '../repositories/lease.repository';
import { OnvifRepository } from '../repositories/onvif.repository';
import { CameraUnit } from './camera-unit';

const REASONS: Record<LeaseDropReason, string> = {
  lost: 'lease lost to another instance',
  rebalanced: 'handed over to balance the load',
  failed: 'failed',
  shutdown: 'shutting down',
};

/**
 * Runs a CameraUnit for each camera this instance holds the lease of. A LeaseKeeper keeps its fair
 * share (cameras / live instances, rounded up), gives back one excess camera per round when
 * another instance joins, and takes over the cameras of an instance whose leases expired.
 */
@Injectable()
export class CameraSupervisorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new HallwatchLogger('ingestion');
  private readonly units = new Map<string, CameraUnit>();
  /** Latest status per camera that could not be published yet (only the latest matters). */
  private readonly unsentStatus = new Map<string, CameraStatusMessage>();
  private readonly reportedDrops = new Map<string, number>();
  /** Drops of each unit's queue already counted in hallwatch_frames_dropped_total. */
  private readonly countedDrops = new WeakMap<CameraUnit, number>();
  private readonly instance: string;
  private keeper?: LeaseKeeper;
  private readonly received: Counter<'camera'>;
  private readonly dropped: Counter<'camera' | 'reason'>;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly ffmpeg: FfmpegRepository,
    private readonly onvif: OnvifRepository,
    private readonly bus: FrameBusRepository,
    private readonly leases: LeaseRepository,
    metrics: ServiceMetrics,
  ) {
    this.instance = leaseInstanceName(ctx.env.instance);
    this.received = metrics.counter({
      name: 'hallwatch_frames_received_total',
      help: 'Frames a camera delivered to ingestion (before unchanged pictures are held back)',
      labelNames: ['camera'],
    });
    this.dropped = framesDroppedCounter(metrics);
    const units = () => [...this.units.values()];
    metrics.gauge({
      name: 'hallwatch_camera_up',
      help: 'Whether a camera this ingestion instance pulls is live (1) or offline, frozen or not connected yet (0)',
      labelNames: ['camera'],
      collect() {
        this.reset();
        for (const unit of units()) this.set({ camera: unit.id }, unit.currentStatus === 'online' ? 1 : 0);
      },
    });
    metrics.gauge({
      name: 'hallwatch_camera_frame_age_seconds',
      help: "Seconds since the camera's last frame reached ingestion, over reconnects (no series before its first frame)",
      labelNames: ['camera'],
      collect() {
        this.reset();
        const now = Date.now();
        for (const unit of units()) {
          const age = unit.frameAgeSeconds(now);
          if (age !== undefined) this.set({ camera: unit.id }, age);
        }
      },
    });
    // GET /api/health: each camera this instance pulls, its status and when its last frame arrived (null: none yet).
    metrics.healthDetail('cameras', () =>
      units().map((unit) => ({ camera: unit.id, status: unit.currentStatus ?? null, lastFrameAt: unit.lastFrameTime() })),
    );
    metrics.readiness('NATS', () => this.bus.reachable(READINESS_TIMEOUT_MS));
    metrics.readiness(
      'leases',
      leaseReadiness(() => this.keeper),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.connect();
    await this.leases.open();
    this.log.log(`instance ${this.instance}: ${this.ctx.site.cameras.length} camera(s) in the site file`);
    const cameras = this.ctx.site.cameras.map((c) => c.id);
    this.keeper = new LeaseKeeper(
      this.leases,
      this.instance,
      cameras,
      { take: (id) => this.pull(id), drop: (id, reason) => this.drop(id, REASONS[reason]) },
      this.log,
      () => this.afterRound(),
    );
    this.keeper.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.keeper?.stop();
  }

  /** Cameras this instance pulls now (for logs and the benchmark). */
  pulled(): CameraUnit[] {
    return [...this.units.values()];
  }

  private pull(id: string): void {
    const camera = this.ctx.site.cameras.find((c) => c.id === id)!;
    this.log.log(`camera ${camera.id}: pulled by instance ${this.instance}`);
    const unit = new CameraUnit(
      camera,
      {
        ffmpeg: this.ffmpeg,
        onvif: this.onvif,
        log: this.log,
        frameReceived: (u) => this.received.inc({ camera: u.id }),
        framesQueued: (u) => this.sendFrames(u),
        statusChanged: (status) => this.sendStatus(status),
      },
      this.ctx.site.rules.frozenAfter,
    );
    this.units.set(camera.id, unit);
    unit.start();
  }

  private async afterRound(): Promise<void> {
    await Promise.all([...this.unsentStatus.values()].map((s) => this.sendStatus(s)));
    this.reportDrops();
  }

  private drop(id: string, why: string): void {
    this.units.get(id)?.stop();
    this.units.delete(id);
    this.log.log(`camera ${id}: no longer pulled by instance ${this.instance} (${why})`);
  }

  private sendFrames(unit: CameraUnit): void {
    const dropped = unit.queue.dropped - (this.countedDrops.get(unit) ?? 0);
    if (dropped > 0) this.dropped.inc({ camera: unit.id, reason: 'nats_unreachable' }, dropped);
    this.countedDrops.set(unit, unit.queue.dropped);
    while (this.bus.connected && unit.queue.length > 0) {
      const frame = unit.queue.shift()!;
      this.bus.publishFrame(unit.id, frame.jpeg, frame.capturedAt, frame.seq);
    }
  }

  private async sendStatus(status: CameraStatusMessage): Promise<void> {
    this.unsentStatus.set(status.cameraId, status);
    try {
      await this.bus.publishStatus(status);
      if (this.unsentStatus.get(status.cameraId) === status) this.unsentStatus.delete(status.cameraId);
    } catch (err) {
      this.log.warn(`camera ${status.cameraId}: status not published yet (${(err as Error).message}); retrying`);
    }
  }

  private reportDrops(): void {
    for (const unit of this.units.values()) {
      if (unit.queue.dropped > (this.reportedDrops.get(unit.id) ?? 0)) {
        this.log.warn(`camera ${unit.id}: ${unit.queue.dropped} frame(s) dropped so far while NATS was unreachable`);
        this.reportedDrops.set(unit.id, unit.queue.dropped);
      }
    }
  }
}
