import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { CameraStatusMessage, QueueEventMessage } from '@hallwatch/contracts';
import type { Counter } from 'prom-client';
import { HallMonitor, HallMonitorSnapshot, MonitorOutput, PRESENCE_STATES } from '@hallwatch/domain';
import {
  InjectContext,
  Lease,
  leaseInstanceName,
  RateLimitedLog,
  framesDroppedCounter,
  ServiceContext,
  ServiceMetrics,
} from '@hallwatch/runtime';
import { Fence, FencedOut, MonitorStateRepository, OutboxEntry, outboxOf } from '../repositories/monitor-state.repository';
import { Feed, FrameSample, NatsRepository } from '../repositories/nats.repository';
import { VisionRepository } from '../repositories/vision.repository';
import { CaptureClocks, checkStamp } from './capture-clock';
import { EvidenceBuffer, StoredFrame } from './evidence-buffer';
import { FrameQueue } from './frame-queue';
import { HallQueues } from './hall-queues';
import { OutputDelivery } from './output-delivery';
import { SiteHalls } from './site-halls';

const TICK_MS = 1000;
/**
 * Ticks trail the capture clock by this much: the domain ignores inputs older than its last
 * tick, and frames reach us with some delay.
 */
const TICK_LAG_MS = 2000;
const SAVE_EVERY_MS = 2000;
/** Frames a camera may have waiting for the detector before the oldest is dropped. */
const QUEUE_LIMIT = 8;
/**
 * A new owner replays camera statuses published since the saved state, starting this much
 * earlier (servers' clocks differ); statuses the monitor already applied are ignored by it.
 */
const STATUS_REPLAY_MARGIN_MS = 5 * 60_000;
/**
 * A hall that stopped on an error this many times in a row keeps failing: `/api/health` names it,
 * and its next holder turns its windows unknown from the first failure on (nothing carried on).
 */
export const FAILING_AFTER = 3;
/** A hall that ran this long after being taken runs cleanly again: its failures are forgotten. */
const CLEAN_AFTER_MS = 60_000;

/** How MonitorService learns of its leases and reports a hall it had to stop. */
export interface HallLeases {
  /** The hall's lease while this instance may act on it (see LeaseKeeper.lease). */
  lease(hallId: string): Lease | undefined;
  /** The hall was stopped (its output could not be stored, or its lease ran out): give it up. */
  failed(hallId: string): void;
}

/** This instance may no longer act for a hall: its lease ran out. */
class LeaseExpired extends Error {}

interface Hall {
  id: string;
  monitor: HallMonitor;
  /** Ticks wait until the statuses missed while nobody held the hall are applied. */
  ready: boolean;
  /** Changed since the last save. */
  dirty: boolean;
  /** A periodic save waits in the hall's queue: another would only write the same state again. */
  saveQueued: boolean;
  /** Set when the hall is given up: its queued steps are skipped, nothing more is written. */
  stopped: boolean;
  /** A tick is queued or running. */
  ticking: boolean;
  /** Sequence number of the next outbox entry. */
  seq: number;
  /** Outbox entries delivered since the last save; the next save removes them from the saved outbox. */
  delivered: string[];
  /** Failures in a row counted in its saved state when taken (0 once it ran cleanly since), and when it was taken. */
  failures: number;
  takenAt: number;
  /** When a frame of the hall was last judged (wall time); undefined since it was taken. */
  judgedAt?: number;
  feeds: Feed[];
}

/**
 * Frames and camera health in, presence changes and incidents out, for the halls this instance
 * holds (see HallOwnershipService). Each hall has a domain HallMonitor (the state machine and
 * incident rules live there) and its own work queue; this service restores the monitor from the
 * saved state, feeds it zone readings stamped with checked capture times, ticks it on its cameras'
 * clocks so time-based transitions happen without frames, saves what it decides to the hall's
 * outbox with the new state (under the hall's lease), then delivers it (OutputDelivery).
 */
@Injectable()
export class MonitorService implements OnModuleDestroy {
  private readonly log = new Logger(MonitorService.name);
  private readonly halls = new Map<string, Hall>();
  private readonly clocks = new CaptureClocks();
  private readonly buffer = new EvidenceBuffer();
  private readonly queues = new HallQueues();
  private readonly frames: FrameQueue<FrameSample>;
  private readonly instance: string;
  /** Warnings that may come with every frame or message: once a minute per camera (or window) and kind. */
  private readonly warnings = new RateLimitedLog((message) => this.log.warn(message));
  private timers: NodeJS.Timeout[] = [];
  private leases: HallLeases = { lease: () => undefined, failed: () => undefined };
  private readonly judged: Counter<'camera'>;
  private readonly dropped: Counter<'camera' | 'reason'>;

  constructor(
    @InjectContext() ctx: ServiceContext,
    private readonly site: SiteHalls,
    private readonly vision: VisionRepository,
    private readonly nats: NatsRepository,
    private readonly delivery: OutputDelivery,
    private readonly states: MonitorStateRepository,
    metrics: ServiceMetrics,
  ) {
    this.instance = leaseInstanceName(ctx.env.instance);
    this.frames = new FrameQueue<FrameSample>(
      (cameraId, frame) => this.analyze(cameraId, frame),
      QUEUE_LIMIT,
      (cameraId, frame) => {
        this.dropped.inc({ camera: cameraId, reason: 'detector_behind' });
        this.warnings.warn(`drop:${cameraId}`, `camera ${cameraId}: frame ${frame.seq} dropped, the detector is behind`);
      },
      (cameraId, frame, err) => this.log.error(`camera ${cameraId}: frame ${frame.seq} not analysed: ${(err as Error).message}`),
    );
    this.judged = metrics.counter({
      name: 'hallwatch_frames_judged_total',
      help: 'Frames whose zones the detector judged, by camera',
      labelNames: ['camera'],
    });
    this.dropped = framesDroppedCounter(metrics);
    this.exportHallGauges(metrics);
  }

  /**
   * Computed at scrape time: per hall this instance holds, the age of its last judged frame and
   * each window's state; per hall of the site file, whether its schedule has it open (every
   * instance: a hall nobody holds is still open).
   */
  private exportHallGauges(metrics: ServiceMetrics): void {
    const halls = () => [...this.halls.values()].filter((h) => !h.stopped);
    const site = this.site;
    // GET /api/health: each hall this instance holds, when a frame of it was last judged (null: none since it took the hall).
    metrics.healthDetail('halls', () =>
      halls().map((h) => ({
        hall: h.id,
        judgedAt: h.judgedAt === undefined ? null : new Date(h.judgedAt).toISOString(),
        takenAt: new Date(h.takenAt).toISOString(),
      })),
    );
    metrics.gauge({
      name: 'hallwatch_hall_judged_age_seconds',
      help: 'Seconds since a frame of the hall was last judged, or since this instance took the hall when none was since',
      labelNames: ['hall'],
      collect() {
        this.reset();
        const now = Date.now();
        for (const hall of halls()) this.set({ hall: hall.id }, (now - (hall.judgedAt ?? hall.takenAt)) / 1000);
      },
    });
    metrics.gauge({
      name: 'hallwatch_window_state',
      help: "A window's current presence state: 1 for the state it is in, 0 for the others (windows of the halls this instance holds)",
      labelNames: ['window', 'state'],
      collect() {
        this.reset();
        for (const hall of halls())
          for (const window of site.windowsOfHall(hall.id)) {
            const current = hall.monitor.windowState(window) ?? 'unknown'; // before its first input
            for (const state of PRESENCE_STATES) this.set({ window, state }, state === current ? 1 : 0);
          }
      },
    });
    metrics.gauge({
      name: 'hallwatch_hall_open',
      help: "Whether the hall's schedule has it open now (1) or closed (0)",
      labelNames: ['hall'],
      collect() {
        this.reset();
        const now = Date.now();
        for (const hall of site.hallIds) this.set({ hall }, site.hallOpen(hall, now) ? 1 : 0);
      },
    });
  }

  /** Loads the detector and starts ticking; call before taking halls. */
  async start(leases: HallLeases): Promise<void> {
    this.leases = leases;
    await this.vision.warmUp();
    await this.nats.ensureStreams();
    this.timers = [setInterval(() => this.tick(), TICK_MS), setInterval(() => this.save(), SAVE_EVERY_MS)];
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
  }

  /**
   * Starts monitoring a hall this instance now holds: restores its saved state (time since then
   * turns unknown once the monitor sees how old its last frames are), stamps the state as this
   * lease's, delivers outputs the last owner may not have finished, applies the camera statuses
   * published meanwhile, then listens.
   */
  async takeHall(hallId: string): Promise<void> {
    const saved = await this.states.load(hallId);
    const snapshot = saved ? (JSON.parse(saved.snapshot) as HallMonitorSnapshot) : undefined;
    const outbox = saved ? outboxOf(saved) : [];
    const hall: Hall = {
      id: hallId,
      monitor: this.site.createMonitor(hallId, snapshot),
      ready: false,
      dirty: false,
      saveQueued: false,
      stopped: false,
      ticking: false,
      seq: (outbox[outbox.length - 1]?.seq ?? -1) + 1,
      delivered: [],
      failures: saved?.failures?.count ?? 0,
      takenAt: Date.now(),
      feeds: [],
    };
    this.halls.set(hallId, hall);
    try {
      await this.queues.run(hallId, async () => {
        await this.states.claim(hallId, this.fence(hall));
        for (const entry of outbox) await this.deliver(hall, entry);
      });
      // Before any input, the state is fitted to the site file as it is now (windows or cameras
      // added, removed or changed since it was saved): a removed window's final state goes out here.
      await this.step(hallId, (m) => m.reconcile());
      if (hall.stopped) throw new Error('its saved state could not be fitted to the site file');
      const failures = saved?.failures;
      if (failures && failures.count >= FAILING_AFTER) {
        this.log.warn(
          `hall ${hallId}: stopped ${failures.count} times in a row since ${failures.since.toISOString()}; its windows are unknown from then until judged again`,
        );
        await this.step(hallId, (m) => m.suspend(failures.since.getTime()));
        if (hall.stopped) throw new Error('its windows could not be turned unknown');
      }
      const since = saved ? new Date(saved.savedAt.getTime() - STATUS_REPLAY_MARGIN_MS) : undefined;
      for (const cameraId of this.site.camerasOf(hallId))
        hall.feeds.push(await this.nats.followCameraStatus(cameraId, since, (s) => this.cameraStatus(s)));
      // The queue sessions are part of the saved state: only events since it are replayed.
      for (const windowId of this.site.windowsOfHall(hallId))
        hall.feeds.push(await this.nats.followQueue(windowId, since, (e) => this.queueEvent(e)));
      hall.ready = true;
      hall.feeds.push(await this.nats.subscribeFrames(this.site.camerasOf(hallId), (frame) => this.receiveFrame(frame)));
      if (this.halls.get(hallId) !== hall || hall.stopped) throw new Error('it was stopped while being restored');
    } catch (err) {
      // A step that failed was counted already (fail); a claim or delivery that did not is counted here.
      if (!hall.stopped && !(err instanceof LeaseExpired || err instanceof FencedOut)) this.countFailure(hall);
      this.stop(hall);
      throw err;
    }
    const from = saved ? `resumed from the state saved at ${saved.savedAt.toISOString()}` : 'no saved state';
    this.log.log(`hall ${hallId}: monitored by instance ${this.instance} (${from})`);
  }

  /**
   * Stops monitoring a hall at once. `handOver` saves its state first, behind its queued steps,
   * for the next owner; without it (lease lost or run out, hall failed) nothing more is written.
   */
  async releaseHall(hallId: string, handOver: boolean, why: string): Promise<void> {
    const hall = this.halls.get(hallId);
    if (!hall) return;
    if (!handOver) this.stop(hall);
    hall.feeds.forEach((f) => f.stop());
    await this.queues
      .run(hallId, async () => {
        if (hall.stopped) return;
        const fence = this.fence(hall);
        this.stop(hall);
        await this.states.save(hallId, fence, hall.monitor.snapshot(), undefined, hall.delivered);
      })
      .catch((err) => this.log.error(`hall ${hallId}: state not saved on hand-over: ${(err as Error).message}`));
    this.log.log(`hall ${hallId}: no longer monitored by instance ${this.instance} (${why})`);
  }

  /** A frame arrived: its capture stamp is checked, then it is analysed in the background, in capture order per camera. */
  receiveFrame(frame: FrameSample): void {
    const hallId = this.site.hallOf(frame.cameraId);
    if (hallId === undefined) {
      this.warnings.warn('unknown-camera', `frame from camera ${frame.cameraId} dropped: not in the site file`);
      return;
    }
    // Still arriving just after the hall was given up: nothing of a hall not held is kept.
    if (!this.halls.has(hallId)) return;
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

  async cameraStatus(message: CameraStatusMessage): Promise<void> {
    const hallId = this.site.hallOf(message.cameraId);
    if (hallId === undefined) {
      this.warnings.warn('unknown-camera-status', `status of camera ${message.cameraId} ignored: not in the site file`);
      return;
    }
    // Frozen is judged as offline; the incident's reason says which (an offline camera's is ingestion's words).
    const reason = message.status === 'frozen' ? 'frozen' : message.reason;
    const status = { at: Date.parse(message.at), online: message.status === 'online', reason };
    await this.step(hallId, (m) => m.cameraStatus(message.cameraId, status));
  }

  /** A queue system's event, applied at its own time (see the domain's IncidentEngine.queue). */
  async queueEvent(message: QueueEventMessage): Promise<void> {
    const window = this.site.window(message.windowId);
    if (!window) {
      this.warnings.warn('unknown-window', `queue event of window ${message.windowId} ignored: not in the site file`);
      return;
    }
    // Nothing happens after it is received: a queue system's fast clock must not hold the session in the future.
    const at = Math.min(Date.parse(message.at), Date.now());
    const event = { windowId: window.id, staffId: message.staffId, event: message.event, at };
    await this.step(window.hallId, (m) => m.queue(event));
  }

  /**
   * Time-based transitions (stale frames, opening hours, thresholds) of every hall, up to the
   * slowest of its cameras' clocks: a silent hall's time passes too, and one camera's clock moves
   * no other hall.
   */
  tick(): void {
    const wallNow = Date.now();
    for (const hall of this.halls.values()) {
      if (!hall.ready || hall.stopped || hall.ticking) continue;
      const at = Math.min(...this.site.camerasOf(hall.id).map((c) => this.clocks.now(c, wallNow, this.frames.oldestWaiting(c))));
      if (!Number.isFinite(at)) continue;
      hall.ticking = true;
      void this.step(hall.id, (m) => m.tick(at - TICK_LAG_MS)).finally(() => (hall.ticking = false));
    }
  }

  private async analyze(cameraId: string, frame: FrameSample): Promise<void> {
    const zones = this.site.zonesOf(cameraId);
    const hallId = this.site.hallOf(cameraId)!;
    if (zones.length === 0 || !this.halls.has(hallId)) return;
    const results = await this.vision.analyze(cameraId, zones, frame.jpeg, frame.capturedAt);
    this.judged.inc({ camera: cameraId });
    const hall = this.halls.get(hallId);
    if (!hall) return; // given up meanwhile: keep none of it
    hall.judgedAt = Date.now();
    const stored: StoredFrame = { at: frame.capturedAt, jpeg: frame.jpeg };
    this.buffer.addFrame(cameraId, stored);
    for (const r of results) {
      const window = this.site.window(r.zone)!;
      if (r.judgeable && r.persons >= (window.minStaff ?? 1)) this.buffer.markStaffed(window.id, stored);
    }
    // One step for the whole frame: the windows it changes share one state write.
    await this.step(hallId, (m) => {
      const outputs = results.map((r) =>
        m.observe(r.zone, { at: frame.capturedAt, persons: r.persons, confidence: r.confidence, judgeable: r.judgeable }),
      );
      return { presence: outputs.flatMap((o) => o.presence), incidents: outputs.flatMap((o) => o.incidents) };
    });
  }

  /**
   * Runs one input through a hall's monitor, in the hall's queue. What it caused is appended to
   * the hall's outbox with the new state in one write (its evidence frames stored just before),
   * then delivered. If any of that fails, or the lease ran out, the hall stops at once: the steps
   * queued behind it are skipped, and the hall is taken again from its saved state and outbox.
   */
  private step(hallId: string, input: (monitor: HallMonitor) => MonitorOutput): Promise<void> {
    const hall = this.halls.get(hallId);
    if (!hall) return Promise.resolve();
    return this.queues
      .run(hallId, async () => {
        if (hall.stopped) return;
        this.fence(hall);
        const output = input(hall.monitor);
        hall.dirty = true;
        if (output.presence.length === 0 && output.incidents.length === 0) return;
        for (const event of output.incidents) {
          const frames = this.buffer.choose(event, this.site.camerasOfIncident(event.incident));
          this.fence(hall);
          await this.delivery.keepEvidence(event.incident, frames);
        }
        const entry: OutboxEntry = { key: `e${hall.seq}`, seq: hall.seq++, output: JSON.stringify(output) };
        await this.saveState(hall, entry);
        await this.deliver(hall, entry);
      })
      .catch((err) => this.fail(hall, err));
  }

  /**
   * Stores and publishes an outbox entry, each write only under the lease. The next save removes
   * it from the saved outbox: one write less per output, and a successor taking over before that
   * only delivers it again (deliveries are idempotent).
   */
  private async deliver(hall: Hall, entry: OutboxEntry): Promise<void> {
    await this.delivery.deliver(JSON.parse(entry.output) as MonitorOutput, () => this.fence(hall));
    hall.delivered.push(entry.key);
  }

  /** Saves the hall's state (with `entry` appended to its outbox, and the entries delivered since the last save removed). */
  private async saveState(hall: Hall, entry?: OutboxEntry): Promise<void> {
    const delivered = [...hall.delivered];
    hall.dirty = false;
    await this.states.save(hall.id, this.fence(hall), hall.monitor.snapshot(), entry, delivered);
    hall.delivered = hall.delivered.filter((key) => !delivered.includes(key));
  }

  /** Saves the state of halls whose clocks or pending frames moved, so a successor loses little. */
  private save(): void {
    for (const hall of this.halls.values()) {
      if ((!hall.dirty && hall.delivered.length === 0) || hall.stopped || hall.saveQueued) continue;
      hall.saveQueued = true;
      void this.queues
        .run(hall.id, async () => {
          hall.saveQueued = false;
          if (hall.stopped) return;
          await this.saveState(hall);
          if (hall.failures > 0 && Date.now() - hall.takenAt >= CLEAN_AFTER_MS) {
            await this.states.recovered(hall.id, this.fence(hall));
            hall.failures = 0;
            this.log.log(`hall ${hall.id}: running cleanly again, its failures are forgotten`);
          }
        })
        .catch((err) => {
          if (err instanceof LeaseExpired || err instanceof FencedOut) return this.fail(hall, err);
          hall.dirty = true;
          this.log.error(`hall ${hall.id}: state not saved, retrying: ${(err as Error).message}`);
        });
    }
  }

  /** The hall's lease as writes are fenced by it; throws once this instance may no longer act for the hall. */
  private fence(hall: Hall): Fence {
    const lease = this.leases.lease(hall.id);
    if (!lease || hall.stopped) throw new LeaseExpired(`hall ${hall.id}: no valid lease`);
    return { owner: lease.owner, token: lease.token };
  }

  private fail(hall: Hall, err: unknown): void {
    if (hall.stopped) return;
    this.stop(hall);
    if (err instanceof LeaseExpired || err instanceof FencedOut)
      this.log.warn(`hall ${hall.id}: judging stopped, its lease ran out or passed to another instance: ${(err as Error).message}`);
    else {
      this.log.error(`hall ${hall.id}: output not stored, the hall is restored from its saved state: ${(err as Error).message}`);
      this.countFailure(hall);
    }
    this.leases.failed(hall.id);
  }

  /** One more failure in a row of the hall, in its saved state (see FAILING_AFTER). */
  private countFailure(hall: Hall): void {
    void this.states.failed(hall.id, new Date()).catch((e: Error) => this.log.error(`hall ${hall.id}: failure not counted: ${e.message}`));
  }

  /**
   * Nothing more happens for the hall in this instance (steps already queued are skipped), and
   * nothing of its cameras is kept: taken again later, it starts from its saved state, not from
   * frames, clocks or analyzers of a time it was not watched.
   */
  private stop(hall: Hall): void {
    hall.stopped = true;
    hall.feeds.forEach((f) => f.stop());
    if (this.halls.get(hall.id) !== hall) return;
    this.halls.delete(hall.id);
    const cameras = this.site.camerasOf(hall.id);
    this.buffer.forget(cameras, this.site.windowsOfHall(hall.id));
    for (const cameraId of cameras) {
      this.clocks.forget(cameraId);
      this.vision.forget(cameraId);
    }
    this.warnings.forget((key) => cameras.some((c) => key.endsWith(`:${c}`)));
  }

  private skewed(frame: FrameSample, what: string): void {
    this.warnings.warn(
      `skew:${frame.cameraId}`,
      `camera ${frame.cameraId}: frame ${frame.seq} ${new Date(frame.capturedAt).toISOString()} ${what} (logged once a minute)`,
    );
  }
}
