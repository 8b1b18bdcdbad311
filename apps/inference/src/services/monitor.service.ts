import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { AwayDeclarationMessage, CameraStatusMessage, QueueEventMessage } from '@hallwatch/contracts';
import { MonitorOutput, stateSaveDue, WaitingSampler } from '@hallwatch/domain';
import {
  Fence,
  InjectContext,
  Lease,
  leaseInstanceName,
  RateLimitedLog,
  framesDroppedCounter,
  ServiceContext,
  ServiceMetrics,
  withTimeout,
} from '@hallwatch/runtime';
import { FencedOut, MonitorStateRepository } from '../repositories/monitor-state.repository';
import { FrameSample, NatsRepository } from '../repositories/nats.repository';
import { VisionRepository } from '../repositories/vision.repository';
import { FrameIntake } from './frame-intake';
import { exportHallGauges } from './hall-gauges';
import { HallJudge, MonitorInput } from './hall-judge';
import { FAILING_AFTER, HallPersistence } from './hall-persistence';
import { HallBacklogs } from './hall-backlogs';
import { LeaseExpired, MonitoredHall, monitoredHall } from './monitored-hall';
import { OutputDelivery } from './output-delivery';
import { SiteHalls } from './site-halls';

const TICK_MS = 1000;
/**
 * Ticks trail the capture clock by this much: the domain ignores inputs older than its last
 * tick, and frames reach us with some delay.
 */
const TICK_LAG_MS = 2000;
/** How often the halls are looked at for a periodic save (stateSaveDue decides which are saved). */
const SAVE_CHECK_MS = 1000;
/**
 * A new owner replays camera statuses published since the saved state, starting this much
 * earlier (servers' clocks differ); statuses the monitor already applied are ignored by it.
 */
const STATUS_REPLAY_MARGIN_MS = 5 * 60_000;
/**
 * A hall's write (state and outbox, delivery, a take-over's claim, a periodic save) not finished in
 * this long fails like any failed write (the hall stops and is taken again from its saved state; a
 * periodic save is retried): a hung database call must not hold the hall's backlog, its hand-over
 * or the lease rounds waiting on them for ever. A write that lands late is still fenced.
 */
export const WRITE_TIMEOUT_MS = 30_000;

/** How MonitorService learns of its leases and reports a hall it had to stop. */
export interface HallLeases {
  /** The hall's lease while this instance may act on it (see LeaseKeeper.lease). */
  lease(hallId: string): Lease | undefined;
  /** The hall was stopped (its output could not be stored, or its lease ran out): give it up. */
  failed(hallId: string): void;
}

/**
 * Frames and camera health in, presence changes and incidents out, for the halls this instance
 * holds (see HallOwnershipService). The hub: it keeps each hall's lifecycle (take, release, stop
 * on failure), its lease fence, its backlog and the timers, and passes each input along:
 * FrameIntake (stamps, clocks, per-camera backlogs), HallJudge (detector readings into the hall's
 * domain HallMonitor), HallPersistence (state and outbox, under the lease), OutputDelivery (store
 * and publish what the outbox holds).
 */
@Injectable()
export class MonitorService implements OnModuleDestroy {
  private readonly log = new Logger(MonitorService.name);
  private readonly halls = new Map<string, MonitoredHall>();
  private readonly backlogs = new HallBacklogs();
  private readonly intake: FrameIntake;
  private readonly judge: HallJudge;
  private readonly persistence: HallPersistence;
  private readonly instance: string;
  /** A hall whose outputs were all saved is saved again at most this often (HALLWATCH_STATE_SAVE_SECONDS). */
  private readonly saveIntervalMs: number;
  /** Warnings that may come with every frame or message: once a minute per camera (or window) and kind. */
  private readonly warnings = new RateLimitedLog((message) => this.log.warn(message));
  /** When each hall's persons waiting is published (the statistics' waitingCount). */
  private readonly waitingSampler = new WaitingSampler();
  private timers: NodeJS.Timeout[] = [];
  private leases: HallLeases = { lease: () => undefined, failed: () => undefined };

  constructor(
    @InjectContext() ctx: ServiceContext,
    private readonly site: SiteHalls,
    private readonly vision: VisionRepository,
    private readonly nats: NatsRepository,
    private readonly delivery: OutputDelivery,
    states: MonitorStateRepository,
    metrics: ServiceMetrics,
  ) {
    this.instance = leaseInstanceName(ctx.env.instance);
    this.saveIntervalMs = ctx.env.stateSaveSeconds * 1000;
    const held = (hallId: string) => this.halls.has(hallId);
    this.intake = new FrameIntake(site, held, (c, f) => this.judgeFrame(c, f), framesDroppedCounter(metrics), this.warnings, this.log);
    this.judge = new HallJudge(site, vision, metrics);
    this.persistence = new HallPersistence(states, delivery, this.log);
    exportHallGauges(metrics, site, () => [...this.halls.values()].filter((h) => !h.stopped));
  }

  /** Loads the detector and starts ticking; call before taking halls. */
  async start(leases: HallLeases): Promise<void> {
    this.leases = leases;
    await this.vision.warmUp();
    await this.nats.ensureStreams();
    this.timers = [setInterval(() => this.tick(), TICK_MS), setInterval(() => this.save(), SAVE_CHECK_MS)];
  }

  onModuleDestroy(): void {
    this.timers.forEach(clearInterval);
  }

  /**
   * Starts monitoring a hall this instance now holds: restores its saved state (time since then
   * turns unknown once the monitor sees how old its last frames are), stamps the state as this
   * lease's, delivers outputs the last owner may not have finished, applies the camera statuses
   * (queue events, 暂离) published meanwhile, closes the stored incidents the state then does not
   * hold open, then listens.
   */
  async takeHall(hallId: string): Promise<void> {
    const { saved, snapshot, outbox, seq } = await withTimeout(
      this.persistence.restore(hallId),
      WRITE_TIMEOUT_MS,
      `hall ${hallId}: its saved state was not read within ${WRITE_TIMEOUT_MS / 1000} s`,
    );
    const hall = monitoredHall(hallId, this.site.createMonitor(hallId, snapshot), seq, saved?.failures?.count ?? 0, snapshot);
    this.halls.set(hallId, hall);
    try {
      await this.backlogs.run(hallId, () =>
        this.inTime(hall, async () => {
          await this.persistence.claim(hall, this.fence(hall));
          for (const entry of outbox) await this.deliver(hall, entry.key, entry.output);
        }),
      );
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
      // So are the 暂离 declarations (replayed ones are kept once).
      for (const windowId of this.site.windowsOfHall(hallId))
        hall.feeds.push(await this.nats.followAway(windowId, since, (d) => this.away(d)));
      // A state restored from an earlier time (a backup) does not know the incidents opened since
      // (rebuilt from the stream), apart from those the replays above opened again: nothing else would close them.
      await this.backlogs.run(hallId, () =>
        this.inTime(hall, () => this.delivery.closeUnheld(hallId, hall.monitor.heldOpenIncidents(), () => this.fence(hall))),
      );
      hall.ready = true;
      hall.feeds.push(await this.nats.subscribeFrames(this.site.framedCamerasOf(hallId), (frame) => this.receiveFrame(frame)));
      if (this.halls.get(hallId) !== hall || hall.stopped) throw new Error('it was stopped while being restored');
    } catch (err) {
      // A step that failed was counted already (fail); a claim or delivery that did not is counted here.
      if (!hall.stopped && !(err instanceof LeaseExpired || err instanceof FencedOut)) this.persistence.countFailure(hall);
      this.stop(hall);
      throw err;
    }
    const from = saved ? `resumed from the state saved at ${saved.savedAt.toISOString()}` : 'no saved state';
    this.log.log(`hall ${hallId}: monitored by instance ${this.instance} (${from})`);
  }

  /**
   * Stops monitoring a hall at once. `handOver` saves its state first, behind the steps waiting in its backlog,
   * for the next owner; without it (lease lost or run out, hall failed) nothing more is written.
   */
  async releaseHall(hallId: string, handOver: boolean, why: string): Promise<void> {
    const hall = this.halls.get(hallId);
    if (!hall) return;
    if (!handOver) this.stop(hall);
    hall.feeds.forEach((f) => f.stop());
    await this.backlogs
      .run(hallId, async () => {
        if (hall.stopped) return;
        // Outputs decided and not yet written go out first, as they would have.
        await this.inTime(hall, () => this.writePending(hall)).catch((err) => this.fail(hall, err));
        if (hall.stopped) return;
        const fence = this.fence(hall);
        this.stop(hall);
        await this.inTime(hall, () => this.persistence.handOver(hall, fence));
      })
      .catch((err) => this.log.error(`hall ${hallId}: state not saved on hand-over: ${(err as Error).message}`));
    this.log.log(`hall ${hallId}: no longer monitored by instance ${this.instance} (${why})`);
  }

  /** A frame arrived: its capture stamp is checked, then it is judged in the background, in capture order per camera. */
  receiveFrame(frame: FrameSample): void {
    this.intake.receive(frame);
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

  /** A 暂离 declaration recorded by reporting (see the domain's IncidentEngine.away). */
  async away(message: AwayDeclarationMessage): Promise<void> {
    const window = this.site.window(message.windowId);
    if (!window) {
      this.warnings.warn('unknown-window', `away declaration of window ${message.windowId} ignored: not in the site file`);
      return;
    }
    const declaration = { windowId: window.id, from: Date.parse(message.from), to: Date.parse(message.to) };
    await this.step(window.hallId, (m) => m.away(declaration));
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
      const at = Math.min(...this.site.camerasOf(hall.id).map((c) => this.intake.clock(c, wallNow)));
      if (!Number.isFinite(at)) continue;
      hall.ticking = true;
      void this.step(hall.id, (m) => m.tick(at - TICK_LAG_MS)).finally(() => {
        hall.ticking = false;
        // Apart from the tick: a slow publish holds no tick.
        void this.publishWaitingCount(hall, at - TICK_LAG_MS);
      });
    }
  }

  /**
   * The hall's persons waiting at `at`, when due (WaitingSampler). Not through the outbox: a lost
   * sample only leaves its time unknown in the statistics (a sample stands at most a little
   * over a minute), never counted as another count.
   */
  private async publishWaitingCount(hall: MonitoredHall, at: number): Promise<void> {
    const zones = this.site.countZoneIdsOfHall(hall.id);
    if (zones.length === 0 || hall.stopped) return;
    const waiting = hall.monitor.waitingCount(at, zones);
    if (!this.waitingSampler.due(hall.id, at, waiting)) return;
    try {
      await this.nats.publishWaitingCount({ hallId: hall.id, at: new Date(at).toISOString(), waiting }, this.fence(hall));
    } catch (err) {
      this.warnings.warn(`waiting-count:${hall.id}`, `hall ${hall.id}: persons waiting not published: ${(err as Error).message}`);
    }
  }

  private async judgeFrame(cameraId: string, frame: FrameSample): Promise<void> {
    const hallId = this.site.hallOf(cameraId)!;
    const input = await this.judge.judge(cameraId, frame, () => this.halls.has(hallId));
    const hall = this.halls.get(hallId);
    if (!input || !hall) return;
    hall.judgedAt = Date.now();
    // Not awaited: the camera's next frame goes to the detector while this one's outputs are
    // written (they keep their order in the hall's backlog; see step).
    void this.step(hallId, input);
  }

  /**
   * Runs one input through a hall's monitor at once, in the order inputs come. What it decides
   * (with its evidence frames, chosen now) waits for the hall's next outbox write, which saves all
   * outputs decided since the last one with the state they led to in one write and then delivers
   * them: while the database is slow, inputs go on and their outputs share a write. Resolves once
   * the input's outputs are delivered (at once if it decided nothing). If a write or delivery
   * fails, or the lease ran out, the hall stops at once: outputs not yet written are dropped
   * with it, and the hall is taken again from its saved state and outbox.
   */
  private step(hallId: string, input: MonitorInput): Promise<void> {
    const hall = this.halls.get(hallId);
    if (!hall || hall.stopped) return Promise.resolve();
    try {
      this.fence(hall);
      const output = input(hall.monitor);
      hall.dirty = true;
      // An input that decided nothing waits for the periodic save; an output is saved now (stateSaveDue).
      if (output.presence.length === 0 && output.incidents.length === 0) return Promise.resolve();
      hall.pending.push({ output, evidence: output.incidents.map((event) => this.judge.evidence(event)) });
    } catch (err) {
      this.fail(hall, err);
      return Promise.resolve();
    }
    hall.writing ??= this.backlogs
      .run(hallId, () => {
        hall.writing = undefined;
        return this.inTime(hall, () => this.writePending(hall));
      })
      .catch((err) => this.fail(hall, err));
    return hall.writing;
  }

  /** `write`, failing once WRITE_TIMEOUT_MS passed (see there). */
  private inTime<T>(hall: MonitoredHall, write: () => Promise<T>): Promise<T> {
    return withTimeout(write(), WRITE_TIMEOUT_MS, `hall ${hall.id}: a write did not finish within ${WRITE_TIMEOUT_MS / 1000} s`);
  }

  /** Saves the hall's pending outputs as one outbox entry with its state, then delivers it (see step). */
  private async writePending(hall: MonitoredHall): Promise<void> {
    if (hall.stopped) return;
    const written = await this.persistence.append(hall, () => this.fence(hall));
    if (written) await this.deliver(hall, written.key, written.output);
  }

  /**
   * Stores and publishes an outbox entry, each write only under the lease. The next save removes
   * it from the saved outbox: one write less per output, and a successor taking over before that
   * only delivers it again (deliveries are idempotent).
   */
  private async deliver(hall: MonitoredHall, key: string, output: MonitorOutput): Promise<void> {
    await this.delivery.deliver(output, () => this.fence(hall));
    this.persistence.delivered(hall, key);
  }

  /**
   * Saves the state of halls whose clocks, queue sessions or deliveries moved, once the save
   * interval passed since their last save (their outputs were saved with them), so a successor
   * has little to replay.
   */
  private save(): void {
    const now = Date.now();
    for (const hall of this.halls.values()) {
      if (hall.stopped || hall.saveWaiting) continue;
      const unsaved = { outputs: 0, inputs: hall.dirty, delivered: hall.delivered.length };
      if (!stateSaveDue(unsaved, now - hall.savedAt, this.saveIntervalMs)) continue;
      hall.saveWaiting = true;
      void this.backlogs
        .run(hall.id, async () => {
          hall.saveWaiting = false;
          // Outputs pending: their write, queued behind, saves the state with them (this one would
          // save it without them, and a crash would lose them).
          if (hall.stopped || hall.pending.length > 0) return;
          await this.inTime(hall, async () => {
            await this.persistence.save(hall, () => this.fence(hall));
            await this.persistence.forgetFailuresIfClean(hall, () => this.fence(hall));
          });
        })
        .catch((err) => {
          if (err instanceof LeaseExpired || err instanceof FencedOut) return this.fail(hall, err);
          hall.dirty = true;
          this.log.error(`hall ${hall.id}: state not saved, retrying: ${(err as Error).message}`);
        });
    }
  }

  /** The hall's lease as writes are fenced by it; throws once this instance may no longer act for the hall. */
  private fence(hall: MonitoredHall): Fence {
    const lease = this.leases.lease(hall.id);
    if (!lease || hall.stopped) throw new LeaseExpired(`hall ${hall.id}: no valid lease`);
    return { owner: lease.owner, token: lease.token };
  }

  private fail(hall: MonitoredHall, err: unknown): void {
    if (hall.stopped) return;
    this.stop(hall);
    if (err instanceof LeaseExpired || err instanceof FencedOut)
      this.log.warn(`hall ${hall.id}: judging stopped, its lease ran out or passed to another instance: ${(err as Error).message}`);
    else {
      this.log.error(`hall ${hall.id}: output not stored, the hall is restored from its saved state: ${(err as Error).message}`);
      this.persistence.countFailure(hall);
    }
    this.leases.failed(hall.id);
  }

  /**
   * Nothing more happens for the hall in this instance (steps already waiting are skipped), and
   * nothing of its cameras is kept: taken again later, it starts from its saved state, not from
   * frames, clocks or analyzers of a time it was not watched.
   */
  private stop(hall: MonitoredHall): void {
    hall.stopped = true;
    hall.feeds.forEach((f) => f.stop());
    if (this.halls.get(hall.id) !== hall) return;
    this.halls.delete(hall.id);
    this.waitingSampler.forget(hall.id);
    const cameras = this.site.framedCamerasOf(hall.id);
    this.judge.forget(hall.id);
    this.intake.forget(cameras);
    this.warnings.forget((key) => cameras.some((c) => key.endsWith(`:${c}`)));
  }
}
