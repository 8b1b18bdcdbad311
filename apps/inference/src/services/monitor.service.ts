import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CameraConfig, SiteConfig, windowSchedule } from '@hallwatch/config';
import type { CameraStatusMessage, IncidentMessage } from '@hallwatch/contracts';
import { HallMonitor, HallMonitorSnapshot, Incident, IncidentEvent, MonitorOutput, staffOnRoster, WindowConfig } from '@hallwatch/domain';
import { InjectContext, leaseInstanceName, ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository, EvidenceRole } from '../repositories/evidence.repository';
import { IncidentRepository } from '../repositories/incident.repository';
import { MonitorStateRepository } from '../repositories/monitor-state.repository';
import { Feed, FrameSample, NatsRepository } from '../repositories/nats.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { VisionRepository } from '../repositories/vision.repository';
import { CaptureClock } from './capture-clock';
import { EvidenceBuffer, StoredFrame } from './evidence-buffer';
import { FrameQueue } from './frame-queue';

const TICK_MS = 1000;
/**
 * Ticks trail the capture clock by this much: the domain ignores inputs older than its last
 * tick, and frames of different cameras reach us with different delays.
 */
const TICK_LAG_MS = 2000;
const SAVE_EVERY_MS = 2000;
/** Frames a camera may have waiting for the detector before the oldest is dropped. */
const QUEUE_LIMIT = 8;
const ROLES: EvidenceRole[] = ['last-staffed', 'threshold', 'end'];
/**
 * A new owner replays camera statuses published since the saved state, starting this much
 * earlier (servers' clocks differ); statuses the monitor already applied are ignored by it.
 */
const STATUS_REPLAY_MARGIN_MS = 5 * 60_000;

interface Hall {
  id: string;
  monitor: HallMonitor;
  /** Ticks wait until the statuses missed while nobody held the hall are applied. */
  ready: boolean;
  /** Changed since the last save. */
  dirty: boolean;
  feeds: Feed[];
}

/**
 * Frames and camera health in, presence changes and incidents out, for the halls this instance
 * holds (see HallOwnershipService). Each hall has a domain HallMonitor (the state machine and
 * incident rules live there); this service restores it from the saved state, feeds it with zone
 * readings stamped with capture times, ticks it so time-based transitions happen without frames,
 * stores and publishes what it decides, and saves its state so the next owner resumes.
 */
@Injectable()
export class MonitorService implements OnModuleDestroy {
  private readonly log = new Logger(MonitorService.name);
  private readonly site: SiteConfig;
  private readonly halls = new Map<string, Hall>();
  private readonly cameras: Map<string, CameraConfig>;
  private readonly windows: Map<string, WindowConfig>;
  private readonly clock = new CaptureClock();
  private readonly buffer = new EvidenceBuffer();
  private readonly queue: FrameQueue<FrameSample>;
  private readonly instance: string;
  private timers: NodeJS.Timeout[] = [];
  private hallFailed: (hallId: string) => void = () => undefined;
  /** Hall work (ticks, statuses, frames' outputs) runs one step at a time, in order. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectContext() ctx: ServiceContext,
    private readonly vision: VisionRepository,
    private readonly nats: NatsRepository,
    private readonly presence: PresenceRepository,
    private readonly incidents: IncidentRepository,
    private readonly evidence: EvidenceRepository,
    private readonly states: MonitorStateRepository,
  ) {
    this.site = ctx.site;
    this.instance = leaseInstanceName(ctx.env.instance);
    this.cameras = new Map(ctx.site.cameras.map((c) => [c.id, c]));
    this.windows = new Map(ctx.site.windows.map((w) => [w.id, this.windowConfig(w.id)]));
    this.queue = new FrameQueue<FrameSample>(
      (cameraId, frame) => this.analyze(cameraId, frame),
      QUEUE_LIMIT,
      (cameraId, frame) => this.log.warn(`camera ${cameraId}: frame ${frame.seq} dropped, the detector is behind`),
      (cameraId, frame, err) => this.log.error(`camera ${cameraId}: frame ${frame.seq} not analysed: ${(err as Error).message}`),
    );
  }

  /**
   * Loads the detector and starts ticking; call before taking halls. `hallFailed` is told of a
   * hall whose output could not be stored: its in-memory state is then ahead of the saved one,
   * so it must be dropped unsaved and taken again from the store.
   */
  async start(hallFailed: (hallId: string) => void): Promise<void> {
    this.hallFailed = hallFailed;
    await this.vision.warmUp();
    await this.nats.ensureStreams();
    this.timers = [
      setInterval(() => void this.tick(), TICK_MS),
      setInterval(() => void this.save(), SAVE_EVERY_MS),
    ];
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
  }

  /**
   * Starts monitoring a hall this instance now holds: restores its saved state (time since then
   * turns unknown once the monitor sees how old its last frames are), delivers an output the last
   * owner may not have finished, applies the camera statuses published meanwhile, then listens.
   */
  async takeHall(hallId: string): Promise<void> {
    const saved = await this.states.load(hallId);
    const snapshot = saved ? (JSON.parse(saved.snapshot) as HallMonitorSnapshot) : undefined;
    const hall: Hall = { id: hallId, monitor: this.createMonitor(hallId, snapshot), ready: false, dirty: false, feeds: [] };
    this.halls.set(hallId, hall);
    const cameras = this.camerasOf(hallId);
    try {
      if (saved?.outbox) {
        await this.deliver(JSON.parse(saved.outbox) as MonitorOutput);
        await this.states.clearOutbox(hallId);
      }
      const since = saved ? new Date(saved.savedAt.getTime() - STATUS_REPLAY_MARGIN_MS) : undefined;
      for (const cameraId of cameras) hall.feeds.push(await this.nats.followCameraStatus(cameraId, since, (s) => this.cameraStatus(s)));
      hall.ready = true;
      hall.feeds.push(await this.nats.subscribeFrames(cameras, (frame) => this.receiveFrame(frame)));
      if (this.halls.get(hallId) !== hall) throw new Error('its state could not be stored while restoring it');
    } catch (err) {
      hall.feeds.forEach((f) => f.stop());
      if (this.halls.get(hallId) === hall) this.halls.delete(hallId);
      throw err;
    }
    const from = saved ? `resumed from the state saved at ${saved.savedAt.toISOString()}` : 'no saved state';
    this.log.log(`hall ${hallId}: monitored by instance ${this.instance} (${from})`);
  }

  /** Stops monitoring a hall; `handOver` saves its state first for the next owner (not when the lease is lost). */
  async releaseHall(hallId: string, handOver: boolean, why: string): Promise<void> {
    const hall = this.halls.get(hallId);
    if (!hall) return;
    hall.feeds.forEach((f) => f.stop());
    // Behind the hall's queued work, so nothing it caused is left half done.
    await this.enqueue(async () => {
      this.halls.delete(hallId);
      if (handOver) await this.states.save(hallId, hall.monitor.snapshot());
    });
    this.log.log(`hall ${hallId}: no longer monitored by instance ${this.instance} (${why})`);
  }

  /** A frame arrived: analysed in the background, in capture order per camera. */
  receiveFrame(frame: FrameSample): void {
    if (!this.cameras.has(frame.cameraId)) {
      this.log.warn(`frame from camera ${frame.cameraId} dropped: not in the site file`);
      return;
    }
    this.clock.received(frame.capturedAt, Date.now());
    this.queue.push(frame.cameraId, frame);
  }

  async cameraStatus(message: CameraStatusMessage): Promise<void> {
    const camera = this.cameras.get(message.cameraId);
    if (!camera) {
      this.log.warn(`status of camera ${message.cameraId} ignored: not in the site file`);
      return;
    }
    const status = { at: Date.parse(message.at), online: message.status === 'online', reason: message.reason };
    await this.step(camera.hall, (m) => m.cameraStatus(camera.id, status));
  }

  /** Time-based transitions (stale frames, opening hours, thresholds) up to the capture clock. */
  async tick(): Promise<void> {
    const at = this.clock.now(Date.now(), this.queue.oldestWaiting());
    if (at === undefined) return;
    for (const hall of this.halls.values()) if (hall.ready) await this.step(hall.id, (m) => m.tick(at - TICK_LAG_MS));
  }

  private async analyze(cameraId: string, frame: FrameSample): Promise<void> {
    const zones = this.site.windows.filter((w) => w.camera === cameraId).map((w) => ({ id: w.id, polygon: w.zone }));
    if (zones.length === 0) return;
    const results = await this.vision.analyze(cameraId, zones, frame.jpeg, frame.capturedAt);
    const stored: StoredFrame = { at: frame.capturedAt, jpeg: frame.jpeg };
    this.buffer.addFrame(cameraId, stored);
    const hallId = (this.cameras.get(cameraId) as CameraConfig).hall;
    for (const r of results) {
      const window = this.windows.get(r.zone) as WindowConfig;
      if (r.judgeable && r.persons >= (window.minStaff ?? 1)) this.buffer.markStaffed(window.id, stored);
      await this.step(hallId, (m) =>
        m.observe(window.id, { at: frame.capturedAt, persons: r.persons, confidence: r.confidence, judgeable: r.judgeable }),
      );
    }
  }

  /**
   * Runs one input through a hall's monitor. What it caused is saved with the new state in one
   * write, then stored and published; if that fails the hall is given up (see start).
   */
  private step(hallId: string, input: (monitor: HallMonitor) => MonitorOutput): Promise<void> {
    return this.enqueue(async () => {
      const hall = this.halls.get(hallId);
      if (!hall) return;
      const output = input(hall.monitor);
      hall.dirty = true;
      if (output.presence.length === 0 && output.incidents.length === 0) return;
      await this.states.save(hallId, hall.monitor.snapshot(), output);
      hall.dirty = false;
      await this.deliver(output);
      await this.states.clearOutbox(hallId);
    }).catch((err) => {
      this.log.error(`hall ${hallId}: output not stored, the hall is restored from its saved state: ${(err as Error).message}`);
      this.hallFailed(hallId);
    });
  }

  /** Hall work (ticks, statuses, frames' outputs, saves) runs one step at a time, in order. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.serial.then(work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private async deliver(output: MonitorOutput): Promise<void> {
    for (const change of output.presence) {
      await this.presence.recordChange(change);
      await this.nats.publishPresence({
        windowId: change.windowId,
        hallId: change.hallId,
        state: change.state,
        since: new Date(change.since).toISOString(),
        at: new Date(change.at).toISOString(),
      });
    }
    for (const event of output.incidents) await this.recordIncident(event);
  }

  private async recordIncident(event: IncidentEvent): Promise<void> {
    const message = incidentMessage(event.incident, this.windowsOf(event.incident), this.staffOf(event.incident));
    await this.incidents.upsert(message);
    await this.keepEvidence(event);
    await this.nats.publishIncident(message);
    this.log.log(`incident ${event.type}: ${message.id}`);
  }

  /** Frames n = 3 * camera + role: the last staffed one, the one at the threshold, one from the end. */
  private async keepEvidence({ type, incident }: IncidentEvent): Promise<void> {
    const cameras = [...new Set(this.windowsOf(incident).map((w) => (this.windows.get(w) as WindowConfig).cameraId))];
    const e = incident.evidence;
    const wanted: [EvidenceRole, number | undefined][] =
      type === 'opened'
        ? [['last-staffed', e.lastStaffedAt ?? e.lastFrameAt], ['threshold', e.thresholdAt]]
        : [['end', e.endAt ?? incident.closedAt]];
    for (const [c, cameraId] of cameras.entries()) {
      for (const [role, at] of wanted) {
        if (at === undefined) continue;
        const frame = this.frameAt(cameraId, role, incident, at);
        if (!frame) continue;
        const n = 3 * c + ROLES.indexOf(role);
        await this.evidence.put({ incidentId: incident.id, n, role, capturedAt: new Date(frame.at) }, frame.jpeg);
      }
    }
  }

  private frameAt(cameraId: string, role: EvidenceRole, incident: Incident, at: number): StoredFrame | undefined {
    if (role === 'last-staffed' && incident.windowId) {
      // The staffed frame from before the condition began, not a stray one seen since.
      const staffed = this.buffer.lastStaffedFrame(incident.windowId);
      return staffed && staffed.at <= incident.openedAt ? staffed : undefined;
    }
    return this.buffer.nearest(cameraId, at);
  }

  /** Staff on the roster of the incident's window when it began, if the site file has rosters. */
  private staffOf(incident: Incident): string | undefined {
    if (!incident.windowId) return undefined;
    const staff = staffOnRoster(this.site.rosters, incident.windowId, incident.openedAt, this.site.timezone).join(', ');
    // Messages carry at most 200 characters of staff: a shortened list beats a refused incident.
    return staff.slice(0, 200) || undefined;
  }

  /** The windows an incident concerns: its window, its camera's windows, or its hall's. */
  private windowsOf(incident: Incident): string[] {
    if (incident.windowId) return [incident.windowId];
    const all = [...this.windows.values()];
    if (incident.cameraId) return all.filter((w) => w.cameraId === incident.cameraId).map((w) => w.id);
    return all.filter((w) => w.hallId === incident.hallId).map((w) => w.id);
  }

  /** Saves the state of halls whose clocks or pending frames moved, so a successor loses little. */
  private async save(): Promise<void> {
    for (const hall of this.halls.values()) {
      if (!hall.dirty) continue;
      await this.enqueue(async () => {
        if (this.halls.get(hall.id) !== hall) return;
        hall.dirty = false;
        await this.states.save(hall.id, hall.monitor.snapshot());
      }).catch((err) => {
        hall.dirty = true;
        this.log.error(`hall ${hall.id}: state not saved, retrying: ${(err as Error).message}`);
      });
    }
  }

  /** Cameras of the hall that watch windows. */
  private camerasOf(hallId: string): string[] {
    return [...new Set([...this.windows.values()].filter((w) => w.hallId === hallId).map((w) => w.cameraId))];
  }

  private createMonitor(hallId: string, snapshot?: HallMonitorSnapshot): HallMonitor {
    const hall = this.site.halls.find((h) => h.id === hallId)!;
    const { confirmSamples, confirmAfter, ...rules } = this.site.rules;
    return new HallMonitor(
      {
        hall: { id: hall.id, minStaffedWindows: hall.minStaffedWindows, schedule: this.site.schedules[hall.schedule] },
        windows: [...this.windows.values()].filter((w) => w.hallId === hallId),
        timeZone: this.site.timezone,
        rules,
        // Unset keys keep the domain's defaults.
        hysteresis: { ...(confirmSamples !== undefined && { confirmSamples }), ...(confirmAfter !== undefined && { confirmMs: confirmAfter }) },
      },
      snapshot,
    );
  }

  private windowConfig(windowId: string): WindowConfig {
    const w = this.site.windows.find((x) => x.id === windowId)!;
    const camera = this.site.cameras.find((c) => c.id === w.camera)!;
    return {
      id: w.id,
      hallId: w.hall,
      cameraId: w.camera,
      minStaff: w.minStaff,
      schedule: windowSchedule(this.site, w),
      sampleEveryMs: camera.sampleEverySeconds * 1000,
    };
  }
}

function incidentMessage(incident: Incident, windowIds: string[], staff: string | undefined): IncidentMessage {
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    id: incident.id,
    kind: incident.kind,
    hallId: incident.hallId,
    windowId: incident.windowId,
    windowIds,
    cameraId: incident.cameraId,
    staff,
    openedAt: iso(incident.openedAt) as string,
    closedAt: iso(incident.closedAt),
    durationMs: incident.closedAt === undefined ? undefined : incident.closedAt - incident.openedAt,
  };
}
