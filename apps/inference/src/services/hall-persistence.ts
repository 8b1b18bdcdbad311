import type { Logger } from '@nestjs/common';
import type { HallMonitorSnapshot, MonitorOutput, StateChange } from '@hallwatch/domain';
import type { Fence } from '@hallwatch/runtime';
import { MonitorState, MonitorStateRepository, OutboxEntry, outboxOf } from '../repositories/monitor-state.repository';
import type { MonitoredHall } from './monitored-hall';
import type { OutputDelivery } from './output-delivery';

/**
 * A hall that stopped on an error this many times in a row keeps failing: `/api/health` names it,
 * and its next holder turns its windows unknown from the first failure on (nothing carried on).
 */
export const FAILING_AFTER = 3;
/** A hall that ran this long after being taken runs cleanly again: its failures are forgotten. */
const CLEAN_AFTER_MS = 60_000;

/** What a hall's saved state gives its next holder: the snapshot and the outputs still to deliver, in order. */
export interface RestoredHall {
  saved: MonitorState | null;
  snapshot?: HallMonitorSnapshot;
  outbox: { key: string; output: MonitorOutput }[];
  /** The sequence number of the next outbox entry. */
  seq: number;
}

/**
 * Each hall's saved state in monitor_states, every write fenced by the hall's lease: the claim on
 * take-over, the outbox entry saved with the state it led to (its evidence frames stored first),
 * periodic and hand-over saves, and the count of failures in a row.
 */
export class HallPersistence {
  constructor(
    private readonly states: MonitorStateRepository,
    private readonly delivery: OutputDelivery,
    private readonly log: Logger,
  ) {}

  async restore(hallId: string): Promise<RestoredHall> {
    const saved = await this.states.load(hallId);
    if (!saved) return { saved, outbox: [], seq: 0 };
    const entries = outboxOf(saved);
    // The stored JSON is parsed once, here: in memory an output stays the object it was.
    const outbox = entries.map((e) => ({ key: e.key, output: JSON.parse(e.output) as MonitorOutput }));
    const seq = (entries[entries.length - 1]?.seq ?? -1) + 1;
    return { saved, snapshot: JSON.parse(saved.snapshot) as HallMonitorSnapshot, outbox, seq };
  }

  claim(hall: MonitoredHall, fence: Fence): Promise<void> {
    return this.states.claim(hall.id, fence);
  }

  /**
   * Takes the hall's pending outputs as one outbox entry, saved with the state they led to: its
   * evidence frames are stored first (only in memory until then, so a successor delivering the
   * outbox after a crash finds them). The snapshot is taken with them, before any write: inputs
   * applied while this writes are the next entry's. Returns the entry's key and output, or
   * undefined when nothing was pending. `fence` throws once the lease is gone.
   */
  async append(hall: MonitoredHall, fence: () => Fence): Promise<{ key: string; output: MonitorOutput } | undefined> {
    const pending = hall.pending.splice(0);
    if (pending.length === 0) return undefined;
    const output = {
      presence: pending.flatMap((p) => p.output.presence).map((change) => withPreviousSince(hall, change)),
      incidents: pending.flatMap((p) => p.output.incidents),
    };
    const snapshot = this.snapshot(hall);
    for (const { output: decided, evidence } of pending)
      for (const [i, event] of decided.incidents.entries()) {
        fence();
        await this.delivery.keepEvidence(event.incident, evidence[i]);
      }
    const seq = hall.seq++;
    const key = `e${seq}`;
    await this.write(hall, fence(), snapshot, { key, seq, output: JSON.stringify(output) });
    return { key, output };
  }

  /** The outbox entry was stored and published: the next save removes it. */
  delivered(hall: MonitoredHall, key: string): void {
    hall.delivered.push(key);
  }

  /** Saves the hall's state (with the entries delivered since the last save removed from its outbox). */
  save(hall: MonitoredHall, fence: () => Fence): Promise<void> {
    return this.write(hall, fence(), this.snapshot(hall));
  }

  /** The last save of a hall handed over to the next owner. */
  handOver(hall: MonitoredHall, fence: Fence): Promise<void> {
    return this.states.save(hall.id, fence, hall.monitor.snapshot(), undefined, hall.delivered);
  }

  /** The hall's state as the next write saves it: inputs applied after this leave the hall dirty. */
  private snapshot(hall: MonitoredHall): HallMonitorSnapshot {
    hall.dirty = false;
    return hall.monitor.snapshot();
  }

  private async write(hall: MonitoredHall, fence: Fence, snapshot: HallMonitorSnapshot, entry?: OutboxEntry): Promise<void> {
    const delivered = [...hall.delivered];
    hall.savedAt = Date.now();
    await this.states.save(hall.id, fence, snapshot, entry, delivered);
    hall.delivered = hall.delivered.filter((key) => !delivered.includes(key));
  }

  /** Forgets the hall's failures once it ran cleanly for CLEAN_AFTER_MS since it was taken. */
  async forgetFailuresIfClean(hall: MonitoredHall, fence: () => Fence): Promise<void> {
    if (hall.failures === 0 || Date.now() - hall.takenAt < CLEAN_AFTER_MS) return;
    await this.states.recovered(hall.id, fence());
    hall.failures = 0;
    this.log.log(`hall ${hall.id}: running cleanly again, its failures are forgotten`);
  }

  /** One more failure in a row of the hall, in its saved state (see FAILING_AFTER). */
  countFailure(hall: MonitoredHall): void {
    void this.states.failed(hall.id, new Date()).catch((e: Error) => this.log.error(`hall ${hall.id}: failure not counted: ${e.message}`));
  }
}

/** The change with when the state it ends began (PresenceRepository ends that interval by its _id). */
function withPreviousSince(hall: MonitoredHall, change: StateChange): StateChange {
  const previousSince = hall.stateSince.get(change.windowId);
  hall.stateSince.set(change.windowId, change.since);
  return previousSince === undefined ? change : { ...change, previousSince };
}
