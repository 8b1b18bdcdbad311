import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CameraConfig, SiteConfig, windowSchedule } from '@hallwatch/config';
import type { CameraStatusMessage, IncidentMessage } from '@hallwatch/contracts';
import { HallMonitor, HallMonitorSnapshot, Incident, IncidentEvent, MonitorOutput, WindowConfig } from '@hallwatch/domain';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { EvidenceRepository, EvidenceRole } from '../repositories/evidence.repository';
import { IncidentRepository } from '../repositories/incident.repository';
import { MonitorStateRepository } from '../repositories/monitor-state.repository';
import { FrameSample, NatsRepository } from '../repositories/nats.repository';
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

interface Hall {
  id: string;
  monitor: HallMonitor;
  dirty: boolean;
}

/**
 * Frames and camera health in, presence changes and incidents out. Each hall has a domain
 * HallMonitor (the state machine and incident rules live there); this service feeds it with zone
 * readings stamped with capture times, ticks it so time-based transitions happen without frames,
 * stores and publishes what it decides, and saves its state so a restarted instance resumes.
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
  private timers: NodeJS.Timeout[] = [];
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
    this.cameras = new Map(ctx.site.cameras.map((c) => [c.id, c]));
    this.windows = new Map(ctx.site.windows.map((w) => [w.id, this.windowConfig(w.id)]));
    this.queue = new FrameQueue<FrameSample>(
      (cameraId, frame) => this.analyze(cameraId, frame),
      QUEUE_LIMIT,
      (cameraId, frame) => this.log.warn(`camera ${cameraId}: frame ${frame.seq} dropped, the detector is behind`),
      (cameraId, frame, err) => this.log.error(`camera ${cameraId}: frame ${frame.seq} not analysed: ${(err as Error).message}`),
    );
  }

  /** Loads the detector and each hall's saved state, then starts ticking; call before feeding it. */
  async start(): Promise<void> {
    await this.vision.warmUp();
    for (const hall of this.site.halls) {
      const saved = await this.states.load(hall.id);
      this.halls.set(hall.id, { id: hall.id, monitor: this.createMonitor(hall.id, saved ? JSON.parse(saved.snapshot) : undefined), dirty: false });
      if (saved) this.log.log(`hall ${hall.id}: resumed from the state saved at ${saved.savedAt.toISOString()}`);
    }
    await this.nats.ensureStreams();
    this.timers = [
      setInterval(() => void this.tick(), TICK_MS),
      setInterval(() => void this.save(), SAVE_EVERY_MS),
    ];
  }

  async onModuleDestroy(): Promise<void> {
    this.timers.forEach(clearInterval);
    await this.serial;
    await this.save();
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
    for (const hall of this.halls.values()) await this.step(hall.id, (m) => m.tick(at - TICK_LAG_MS));
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

  /** Runs one input through a hall's monitor, then stores and publishes what it caused. */
  private step(hallId: string, input: (monitor: HallMonitor) => MonitorOutput): Promise<void> {
    const run = this.serial.then(async () => {
      const hall = this.halls.get(hallId);
      if (!hall) return;
      const output = input(hall.monitor);
      if (output.presence.length === 0 && output.incidents.length === 0) return;
      hall.dirty = true;
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
    });
    this.serial = run.catch((err) => this.log.error(`hall ${hallId}: ${(err as Error).message}`));
    return run;
  }

  private async recordIncident(event: IncidentEvent): Promise<void> {
    const message = incidentMessage(event.incident, this.windowsOf(event.incident));
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

  /** The windows an incident concerns: its window, its camera's windows, or its hall's. */
  private windowsOf(incident: Incident): string[] {
    if (incident.windowId) return [incident.windowId];
    const all = [...this.windows.values()];
    if (incident.cameraId) return all.filter((w) => w.cameraId === incident.cameraId).map((w) => w.id);
    return all.filter((w) => w.hallId === incident.hallId).map((w) => w.id);
  }

  private async save(): Promise<void> {
    for (const hall of this.halls.values()) {
      if (!hall.dirty) continue;
      hall.dirty = false;
      try {
        await this.states.save(hall.id, hall.monitor.snapshot());
      } catch (err) {
        hall.dirty = true;
        this.log.error(`hall ${hall.id}: state not saved, retrying: ${(err as Error).message}`);
      }
    }
  }

  private createMonitor(hallId: string, snapshot?: HallMonitorSnapshot): HallMonitor {
    const hall = this.site.halls.find((h) => h.id === hallId)!;
    return new HallMonitor(
      {
        hall: { id: hall.id, minStaffedWindows: hall.minStaffedWindows, schedule: this.site.schedules[hall.schedule] },
        windows: [...this.windows.values()].filter((w) => w.hallId === hallId),
        timeZone: this.site.timezone,
        rules: this.site.rules,
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

function incidentMessage(incident: Incident, windowIds: string[]): IncidentMessage {
  const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
  return {
    id: incident.id,
    kind: incident.kind,
    hallId: incident.hallId,
    windowId: incident.windowId,
    windowIds,
    cameraId: incident.cameraId,
    openedAt: iso(incident.openedAt) as string,
    closedAt: iso(incident.closedAt),
    durationMs: incident.closedAt === undefined ? undefined : incident.closedAt - incident.openedAt,
  };
}
