import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { StateChange } from '@hallwatch/domain';
import { type Doc, modelOf } from './documents';
import { PresenceDaySchema } from './reporting.schemas';

/** Presence changes per window and local date (`presence_days`). */
@Injectable()
export class PresenceRepository {
  private readonly presence: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.presence = modelOf(connection, 'PresenceDay', PresenceDaySchema);
  }

  /**
   * A window's presence changes of one local date, in time order. A change is kept once however
   * often it arrives; two states with the same `since` resolve to the later decided (then by name).
   */
  async presenceDay(windowId: string, date: string): Promise<StateChange[]> {
    return (await this.presenceDays(windowId, [date])).get(date)!;
  }

  /**
   * presenceDay of several dates in one query: one round trip, the _id index on MongoDB and on the
   * embedded FerretDB (its id-index patch; docs/operations.md, The embedded servers).
   */
  async presenceDays(windowId: string, dates: readonly string[]): Promise<Map<string, StateChange[]>> {
    const unique = [...new Set(dates)];
    const docs = await this.presence.collection.find({ _id: { $in: unique.map((d) => `${windowId}|${d}`) } } as never).toArray();
    const byId = new Map(docs.map((d) => [d._id as unknown as string, d]));
    return new Map(unique.map((date) => [date, presenceChanges(windowId, byId.get(`${windowId}|${date}`))]));
  }

  /** Adds a change to its window-day; atomic and idempotent, so writers never lose each other's. */
  async addPresenceChange(change: StateChange, date: string): Promise<void> {
    const { windowId, hallId, state, since, at } = change;
    await this.presence.collection.updateOne(
      { _id: `${windowId}|${date}` } as never,
      { $set: { windowId, hallId, date }, $addToSet: { changes: { state, since, at } } } as never,
      { upsert: true },
    );
  }

  /** Bulk loading for generated data (the benchmark): plain inserts in one round trip. */
  async insertMany(docs: Doc[]): Promise<void> {
    await this.presence.collection.insertMany(docs as never[], { ordered: false });
  }
}

/** A presence_days document's changes, sorted and one per `since` (see presenceDay). */
function presenceChanges(windowId: string, doc: Record<string, unknown> | undefined): StateChange[] {
  const hallId = (doc?.hallId as string) ?? '';
  const all = ((doc?.changes as { state: StateChange['state']; since: number; at: number }[]) ?? []).slice();
  all.sort((a, b) => a.since - b.since || b.at - a.at || (a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
  return all
    .filter((c, i) => i === 0 || all[i - 1].since !== c.since)
    .map((c) => ({ windowId, hallId, state: c.state, since: c.since, at: c.at }));
}
