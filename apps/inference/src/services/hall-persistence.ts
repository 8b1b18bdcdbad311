import type { Logger } from '@nestjs/common';
import type { HallMonitorSnapshot, IncidentEvent, MonitorOutput } from '@hallwatch/domain';
import type { Fence } from '@hallwatch/runtime';
import { MonitorState, MonitorStateRepository, OutboxEntry, outboxOf } from '../repositories/monitor-state.repository';
import type { EvidenceFrame } from './evidence-buffer';
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
   * Stores the evidence frames of `output`'s incident events (only in memory until then, so a
   * successor delivering the outbox after a crash finds them), then saves the state with `output`
   * appended to the outbox; returns the entry's key. `fence` throws once the lease is gone.
   */
  async append(
    hall: MonitoredHall,
    output: MonitorOutput,
    evidence: (event: IncidentEvent) => EvidenceFrame[],
    fence: () => Fence,
  ): Promise<string> {
    for (const event of output.incidents) {
      const frames = evidence(event);
      fence();
      await this.delivery.keepEvidence(event.incident, frames);
    }
    const seq = hall.seq++;
    const key = `e${seq}`;
    await this.save(hall, fence, { key, seq, output: JSON.stringify(output) });
    return key;
  }

  /** The outbox entry was stored and published: the next save removes it. */
  delivered(hall: MonitoredHall, key: string): void {
    hall.delivered.push(key);
  }

  /** Saves the hall's state (with `entry` appended to its outbox, and the entries delivered since the last save removed). */
  async save(hall: MonitoredHall, fence: () => Fence, entry?: OutboxEntry): Promise<void> {
    const delivered = [...hall.delivered];
    hall.dirty = false;
    hall.savedAt = Date.now();
    await this.states.save(hall.id, fence(), hall.monitor.snapshot(), entry, delivered);
    hall.delivered = hall.delivered.filter((key) => !delivered.includes(key));
  }

  /** The last save of a hall handed over to the next owner. */
  handOver(hall: MonitoredHall, fence: Fence): Promise<void> {
    return this.states.save(hall.id, fence, hall.monitor.snapshot(), undefined, hall.delivered);
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
