import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import type { Fence } from '@hallwatch/runtime';

/** One undelivered output: what one input caused (presence changes, incident events), as JSON. */
export interface OutboxEntry {
  /** Unique within the hall; entries are delivered in order of `seq`. */
  key: string;
  seq: number;
  output: string;
}

/** The last saved state of one hall's monitor, so the next owner (or a restart) resumes where it stopped. */
export interface MonitorState {
  _id: string;
  /** JSON of the domain snapshot (kept as text: its keys are ids the database need not understand). */
  snapshot: string;
  /**
   * Outputs saved with the snapshot they led to, in the same write, and removed by a later save
   * once stored and published: if the owner dies in between, the next one delivers them again
   * (every delivery is idempotent). Append-only: a later output never replaces an undelivered one.
   */
  outbox?: Record<string, OutboxEntry>;
  /** The instance that wrote last, and the fencing token of its lease. */
  owner?: string;
  fence?: number;
  savedAt: Date;
  /** Times the hall stopped on an error since it last ran cleanly, and since when (see MonitorService). */
  failures?: { count: number; since: Date };
}

/** A write refused because a later lease holder has written the hall's state. */
export class FencedOut extends Error {}

export const MONITOR_STATE = 'MonitorState';
export const MonitorStateSchema = new Schema<MonitorState>(
  {
    _id: { type: String, required: true },
    snapshot: { type: String, required: true },
    outbox: { type: Schema.Types.Mixed },
    owner: String,
    fence: Number,
    savedAt: { type: Date, required: true },
    failures: { count: Number, since: Date },
  },
  { collection: 'monitor_states', versionKey: false, minimize: true },
);

const DUPLICATE_KEY = 11000;

/**
 * The hall states. Every write is conditional on the writer's lease: it succeeds only while no
 * holder with a greater fencing token has written (a paused instance that wakes up cannot write
 * over its successor), and stamps the state with its owner and token.
 */
@Injectable()
export class MonitorStateRepository {
  constructor(@InjectModel(MONITOR_STATE) private readonly states: Model<MonitorState>) {}

  async load(hallId: string): Promise<MonitorState | null> {
    return this.states.findById(hallId).lean();
  }

  /** When the latest of the hall states was saved (by any instance); undefined when none is stored. */
  async newestSavedAt(): Promise<Date | undefined> {
    return (await this.states.findOne({}, { savedAt: 1 }).sort({ savedAt: -1 }).lean())?.savedAt;
  }

  /**
   * Stamps the hall as `fence`'s from now on (a take-over), so older holders are refused at once.
   * `savedAt` stays the snapshot's: what happened since it (camera statuses, queue events) is
   * replayed from there, even if this holder fails before saving a snapshot of its own.
   */
  async claim(hallId: string, fence: Fence): Promise<void> {
    await this.write(hallId, fence, {});
  }

  /**
   * Replaces the hall's saved snapshot; in the same write `entry`, if given, is appended to its
   * outbox and the `delivered` entries are removed from it (no write of its own per delivery).
   */
  async save(hallId: string, fence: Fence, snapshot: unknown, entry?: OutboxEntry, delivered: readonly string[] = []): Promise<void> {
    const unset = Object.fromEntries(delivered.map((key) => [`outbox.${key}`, 1 as const]));
    await this.write(
      hallId,
      fence,
      { snapshot: JSON.stringify(snapshot), ...(entry && { [`outbox.${entry.key}`]: entry }) },
      delivered.length ? unset : undefined,
    );
  }

  /**
   * Counts one more failure of the hall. Not fenced: the holder that failed may have no valid
   * lease left, and the count only says the hall keeps stopping (its next holder clears it once
   * the hall runs cleanly). A hall never saved has no state to count on.
   */
  async failed(hallId: string, at: Date): Promise<void> {
    const doc = await this.states.findById(hallId, { failures: 1 }).lean();
    if (!doc) return;
    const failures = { count: (doc.failures?.count ?? 0) + 1, since: doc.failures?.since ?? at };
    await this.states.updateOne({ _id: hallId }, { $set: { failures } });
  }

  /** The hall runs cleanly again under `fence`: its failures are forgotten. */
  async recovered(hallId: string, fence: Fence): Promise<void> {
    await this.write(hallId, fence, {}, { failures: 1 });
  }

  /** Halls that stopped at least `count` times in a row, with their count and first failure. */
  async failing(count: number): Promise<{ hallId: string; count: number; since: Date }[]> {
    const docs = await this.states.find({ 'failures.count': { $gte: count } }, { failures: 1 }).lean();
    return docs.map((d) => ({ hallId: d._id, count: d.failures!.count, since: d.failures!.since }));
  }

  private async write(hallId: string, fence: Fence, set: Record<string, unknown>, unset?: Record<string, 1>): Promise<void> {
    const filter = { _id: hallId, $or: [{ fence: { $lte: fence.token } }, { fence: { $exists: false } }] };
    const savedAt = 'snapshot' in set ? { savedAt: new Date() } : {};
    const update = { $set: { ...set, owner: fence.owner, fence: fence.token, ...savedAt }, ...(unset && { $unset: unset }) };
    try {
      // An insert needs a snapshot: a claim or delivery on a hall never saved has nothing to stamp.
      const upsert = 'snapshot' in set;
      const result = await this.states.updateOne(filter, update, { upsert });
      if (result.matchedCount === 0 && result.upsertedCount === 0 && (await this.states.exists({ _id: hallId })))
        throw new FencedOut(`hall ${hallId}: state not written, a later lease holder wrote it (token ${fence.token} is older)`);
    } catch (err) {
      if ((err as { code?: number }).code === DUPLICATE_KEY)
        throw new FencedOut(`hall ${hallId}: state not written, a later lease holder wrote it (token ${fence.token} is older)`);
      throw err;
    }
  }
}

/** The outbox entries of a saved state, in delivery order. */
export function outboxOf(state: MonitorState): OutboxEntry[] {
  return Object.values(state.outbox ?? {}).sort((a, b) => a.seq - b.seq);
}
