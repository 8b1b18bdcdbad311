import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import type { PresenceState } from '@hallwatch/contracts';
import { againOnDuplicateKey } from '@hallwatch/runtime';

/** A window's state from `since` until `until` (open-ended while it lasts); _id is intervalKey(windowId, since). */
export interface PresenceInterval {
  _id: string;
  windowId: string;
  hallId: string;
  state: PresenceState;
  since: Date;
  until: Date | null;
}

/**
 * A window's change of state as delivery and the stream give it (`since` in epoch ms).
 * `previousSince`: when the state it ends began, where the hall's holder knows it (see recordChanges).
 */
type Change = Pick<PresenceInterval, 'windowId' | 'hallId' | 'state'> & { since: number; previousSince?: number };

/**
 * An interval's _id: its window and start. The embedded FerretDB uses no index but _id's and
 * decodes the whole collection for any other filter (0.5 s per lookup at 10,000 intervals,
 * docs/operations.md), so the writes of every change go by _id.
 */
export function intervalKey(windowId: string, since: number | Date): string {
  return `${windowId}|${new Date(since).toISOString()}`;
}

export const PRESENCE_INTERVAL = 'PresenceInterval';
export const PresenceIntervalSchema = new Schema<PresenceInterval>(
  {
    _id: { type: String, required: true },
    windowId: { type: String, required: true },
    hallId: { type: String, required: true },
    state: { type: String, required: true },
    since: { type: Date, required: true },
    until: { type: Date, default: null },
  },
  { collection: 'presence_intervals', versionKey: false },
);
// The natural key: a window is in one state from a given instant; a redelivered change upserts onto it.
PresenceIntervalSchema.index({ windowId: 1, since: 1 }, { unique: true });

@Injectable()
export class PresenceRepository {
  constructor(@InjectModel(PRESENCE_INTERVAL) private readonly intervals: Model<PresenceInterval>) {}

  /**
   * Records that each change's window entered its state at its `since`, ending the interval before
   * it: the one that began at `previousSince` when that is still open, else (not known, or ended
   * otherwise) every open one before it, as the stream read-back does. In order per window, the
   * windows at once. Idempotent; done again when the stream's read-back (restoreChange) inserted
   * one of them at the same moment.
   */
  async recordChanges(changes: readonly Change[]): Promise<void> {
    const byWindow = new Map<string, Change[]>();
    for (const change of changes) byWindow.set(change.windowId, [...(byWindow.get(change.windowId) ?? []), change]);
    await Promise.all(
      [...byWindow.values()].map(async (ofWindow) => {
        for (const change of ofWindow) {
          await againOnDuplicateKey(() => this.upsert(change, null));
          await this.endBefore(change);
        }
      }),
    );
  }

  /** Stores the change's interval; `until` only where it is new. */
  private upsert(change: Change, until: Date | null) {
    const { windowId, hallId, state } = change;
    const since = new Date(change.since);
    return this.intervals.updateOne(
      { _id: intervalKey(windowId, since) },
      { $set: { windowId, hallId, state, since }, $setOnInsert: { until } },
      { upsert: true },
    );
  }

  private async endBefore(change: Change): Promise<void> {
    const { windowId, previousSince } = change;
    const since = new Date(change.since);
    if (previousSince === change.since) return; // the same interval, its state replaced
    if (previousSince !== undefined && previousSince < change.since) {
      const previous = intervalKey(windowId, previousSince);
      const stored = await this.intervals.findById(previous, { until: 1 }).lean();
      // Open: `until` null or not set (an upsert's null is not always stored; queries match both).
      if (stored && stored.until == null) {
        await this.intervals.updateOne({ _id: previous }, { $set: { until: since } });
        return;
      }
      if (stored?.until?.getTime() === change.since) return; // ended so already: the change delivered again
    }
    await this.intervals.updateMany({ windowId, until: null, since: { $lt: since } }, { $set: { until: since } });
  }

  /**
   * Records one change read back from hallwatch.presence (in stream order per window). Stored
   * already (as in normal running, where delivery got there first), it costs one read by _id
   * and changes nothing. Else it is stored as recordChanges does, but a new interval ends where the
   * window's next stored one begins: the hall's holder may have recorded later changes meanwhile
   * (after a restore, while the stream is replayed). `until` is only set on insert, so a replay
   * racing delivery never reopens an interval delivery ended. Done again when delivery inserted
   * the change at the same moment (then it finds it stored).
   */
  async restoreChange(change: Change): Promise<void> {
    await againOnDuplicateKey(() => this.restore(change));
  }

  private async restore(change: Change): Promise<void> {
    const { windowId, state } = change;
    const since = new Date(change.since);
    if ((await this.intervals.findById(intervalKey(windowId, since), { state: 1 }).lean())?.state === state) return;
    const next = await this.intervals
      .findOne({ windowId, since: { $gt: since } }, { since: 1 })
      .sort({ since: 1 })
      .lean();
    await this.upsert(change, next?.since ?? null);
    await this.intervals.updateMany(
      { windowId, since: { $lt: since }, $or: [{ until: null }, { until: { $gt: since } }] },
      { $set: { until: since } },
    );
  }

  /** Deletes intervals that ended before `before` (the one a window is in stays). Returns how many went. */
  async purgeEndedBefore(before: Date): Promise<number> {
    return (await this.intervals.deleteMany({ until: { $ne: null, $lt: before } })).deletedCount;
  }

  /** The interval each window is in now (the latest one that has not ended). */
  async current(hallIds?: string[]): Promise<PresenceInterval[]> {
    const filter = hallIds ? { until: null, hallId: { $in: hallIds } } : { until: null };
    const open = await this.intervals.find(filter).sort({ since: 1 }).lean();
    return [...new Map(open.map((i) => [i.windowId, i])).values()];
  }
}
