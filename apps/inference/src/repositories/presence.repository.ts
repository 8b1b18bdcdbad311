import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import type { PresenceState } from '@hallwatch/contracts';
import { againOnDuplicateKey } from '@hallwatch/runtime';

/** A window's state from `since` until `until` (open-ended while it lasts). */
export interface PresenceInterval {
  windowId: string;
  hallId: string;
  state: PresenceState;
  since: Date;
  until: Date | null;
}

/** A window's change of state as delivery and the stream give it (`since` in epoch ms). */
type Change = Pick<PresenceInterval, 'windowId' | 'hallId' | 'state'> & { since: number };

export const PRESENCE_INTERVAL = 'PresenceInterval';
export const PresenceIntervalSchema = new Schema<PresenceInterval>(
  {
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
   * it, in order and in one write for all of them (the changes a frame or tick decided). Idempotent;
   * done again when the stream's read-back (restoreChange) inserted one of them at the same moment.
   */
  async recordChanges(changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    await againOnDuplicateKey(() =>
      this.intervals.bulkWrite(
        changes.flatMap((change) => {
          const since = new Date(change.since);
          return [
            {
              updateOne: {
                filter: { windowId: change.windowId, since },
                update: { $set: { state: change.state, hallId: change.hallId }, $setOnInsert: { until: null } },
                upsert: true,
              },
            },
            {
              updateMany: { filter: { windowId: change.windowId, until: null, since: { $lt: since } }, update: { $set: { until: since } } },
            },
          ];
        }),
        { ordered: true },
      ),
    );
  }

  /**
   * Records one change read back from hallwatch.presence (in stream order per window). Stored
   * already (as in normal running, where delivery got there first), it costs one read by the key
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
    const { windowId, state, hallId } = change;
    const since = new Date(change.since);
    if ((await this.intervals.findOne({ windowId, since }, { state: 1 }).lean())?.state === state) return;
    const next = await this.intervals
      .findOne({ windowId, since: { $gt: since } }, { since: 1 })
      .sort({ since: 1 })
      .lean();
    await this.intervals.bulkWrite(
      [
        {
          updateOne: {
            filter: { windowId, since },
            update: { $set: { state, hallId }, $setOnInsert: { until: next?.since ?? null } },
            upsert: true,
          },
        },
        {
          updateMany: {
            filter: { windowId, since: { $lt: since }, $or: [{ until: null }, { until: { $gt: since } }] },
            update: { $set: { until: since } },
          },
        },
      ],
      { ordered: true },
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
