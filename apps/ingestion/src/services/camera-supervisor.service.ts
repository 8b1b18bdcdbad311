import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CameraStatusMessage } from '@hallwatch/contracts';
import { HallwatchLogger, InjectContext, ServiceContext } from '@hallwatch/runtime';
import { FfmpegRepository } from '../repositories/ffmpeg.repository';
import { FrameBusRepository } from '../repositories/frame-bus.repository';
import { LEASE_TTL_MS, LeaseRepository } from '../repositories/lease.repository';
import { OnvifRepository } from '../repositories/onvif.repository';
import { CameraUnit } from './camera-unit';

/** Leases are renewed, and free cameras looked for, this often (a third of the lease TTL). */
const TICK_MS = LEASE_TTL_MS / 3;

/**
 * Runs a CameraUnit for each camera this instance holds the lease of. Each instance takes at most
 * its fair share (cameras / live instances, rounded up), gives back one excess camera per tick when
 * another instance joins, and takes over the cameras of an instance whose leases expired.
 */
@Injectable()
export class CameraSupervisorService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new HallwatchLogger('ingestion');
  private readonly units = new Map<string, CameraUnit>();
  /** Latest status per camera that could not be published yet (only the latest matters). */
  private readonly unsentStatus = new Map<string, CameraStatusMessage>();
  private readonly reportedDrops = new Map<string, number>();
  private readonly instance: string;
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly ffmpeg: FfmpegRepository,
    private readonly onvif: OnvifRepository,
    private readonly bus: FrameBusRepository,
    private readonly leases: LeaseRepository,
  ) {
    // Lease keys are NATS subject tokens: keep the instance name to safe characters.
    this.instance = ctx.env.instance.replace(/[^A-Za-z0-9_-]/g, '_');
  }

  async onApplicationBootstrap(): Promise<void> {
    const name = `ingestion-${this.instance}`;
    await this.bus.connect(this.ctx.natsUrl, name);
    await this.leases.open(this.ctx.natsUrl, `${name}-leases`);
    this.log.log(`instance ${this.instance}: ${this.ctx.site.cameras.length} camera(s) in the site file`);
    void this.tick();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    for (const unit of this.units.values()) unit.stop();
    await Promise.all([...this.units.keys()].map((id) => this.leases.release(id)));
    this.units.clear();
    await this.leases.retire(this.instance);
  }

  /** Cameras this instance pulls now (for logs and the benchmark). */
  pulled(): CameraUnit[] {
    return [...this.units.values()];
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.leases.announce(this.instance);
      for (const id of [...this.units.keys()]) {
        if (!(await this.leases.renew(id, this.instance))) this.drop(id, 'lease lost to another instance');
      }
      const cameras = this.ctx.site.cameras;
      const share = Math.ceil(cameras.length / Math.max(1, await this.leases.liveInstances()));
      if (this.units.size > share) {
        const id = [...this.units.keys()].pop()!;
        this.drop(id, 'handed over to balance the load');
        await this.leases.release(id);
      }
      for (const camera of cameras) {
        if (this.units.size >= share) break;
        if (this.units.has(camera.id) || !(await this.leases.acquire(camera.id, this.instance))) continue;
        this.log.log(`camera ${camera.id}: pulled by instance ${this.instance}`);
        const unit = new CameraUnit(camera, {
          ffmpeg: this.ffmpeg,
          onvif: this.onvif,
          log: this.log,
          framesQueued: (u) => this.sendFrames(u),
          statusChanged: (status) => this.sendStatus(status),
        });
        this.units.set(camera.id, unit);
        unit.start();
      }
      await Promise.all([...this.unsentStatus.values()].map((s) => this.sendStatus(s)));
      this.reportDrops();
    } catch (err) {
      this.log.warn(`lease round failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
  }

  private drop(id: string, why: string): void {
    this.units.get(id)?.stop();
    this.units.delete(id);
    this.log.log(`camera ${id}: no longer pulled by instance ${this.instance} (${why})`);
  }

  private sendFrames(unit: CameraUnit): void {
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
