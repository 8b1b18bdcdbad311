import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { QueueEvent, StateChange } from '@hallwatch/domain';
import { type CaseFacts, type StaffFigures } from '@hallwatch/stats';
import { PresenceDaySchema, QueueDaySchema, WindowDaysSchema, WindowMonthSchema } from './reporting.schemas';
import { type Doc, isDuplicateKey, modelOf, setIfNewer } from './documents';

export interface DayRollup {
  figures: StaffFigures;
  /** By caseId; without a prototype (see parseRollup). */
  cases: Record<string, CaseFacts>;
}
export type MonthDays = Record<string, DayRollup>;

/** A window-month's day rollups as read, with the version a write must find unchanged. */
export interface MonthRollup {
  version: number;
  days: MonthDays;
}

/** Cursor batch size of a read that wants all it matches (a year of month totals: 2,400 documents) in one reply. */
const MANY = 100_000;

/**
 * JSON of id-keyed maps, parsed into objects without a prototype so no id (e.g. `__proto__`) reaches
 * one. JSON.parse makes such a key an own property; dropping the prototypes afterwards is several
 * times faster than a reviver, which is called for every number of the histograms (an annual report
 * parses megabytes of them).
 */
function parseRollup<T>(json: string): T {
  return withoutPrototypes(JSON.parse(json)) as T;
}

function withoutPrototypes(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) value.forEach(withoutPrototypes);
  else {
    Object.setPrototypeOf(value, null);
    for (const key in value) withoutPrototypes((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Reporting's database: presence, queue events and the window rollups (see ./documents). */
@Injectable()
export class ReportingRepository {
  private readonly presence: Model<Doc>;
  private readonly windowDays: Model<Doc>;
  private readonly windowMonths: Model<Doc>;
  private readonly queue: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.presence = modelOf(connection, 'PresenceDay', PresenceDaySchema);
    this.windowDays = modelOf(connection, 'WindowDays', WindowDaysSchema);
    this.windowMonths = modelOf(connection, 'WindowMonth', WindowMonthSchema);
    this.queue = modelOf(connection, 'QueueDay', QueueDaySchema);
  }

  /**
   * A window's presence changes of one local date, in time order. A change is kept once however
   * often it arrives; two states with the same `since` resolve to the later decided (then by name).
   */
  async presenceDay(windowId: string, date: string): Promise<StateChange[]> {
    return (await this.presenceDays(windowId, [date])).get(date)!;
  }

  /**
   * presenceDay of several dates in one query. On FerretDB 1.24 an _id lookup takes time in
   * proportion to the collection, and one $in over these small documents costs about a third of
   * 38 lookups (measured; not so for large ones such as window_days). MongoDB uses the _id index.
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

  /** A window's queue events of one local date, in time order (then by event name, for a stable order). */
  async queueDay(windowId: string, date: string): Promise<QueueEvent[]> {
    const doc = await this.queue.collection.findOne({ _id: `${windowId}|${date}` } as never);
    const all = ((doc?.events as Omit<QueueEvent, 'windowId'>[]) ?? []).map((e) => ({ windowId, ...e }));
    const key = (e: QueueEvent) => `${e.event}|${e.staffId}`;
    return all.sort((a, b) => a.at - b.at || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /**
   * Adds a queue event to its window-day, and who submitted it to `submitted` (beside the events,
   * so the same event from two routes still counts once); atomic and idempotent like addPresenceChange.
   */
  async addQueueEvent(e: QueueEvent, date: string, writer: { by: string; submittedAt?: string }): Promise<void> {
    const event = { staffId: e.staffId, event: e.event, at: e.at };
    const submitted = { ...event, by: writer.by, ...(writer.submittedAt && { submittedAt: writer.submittedAt }) };
    await this.queue.collection.updateOne(
      { _id: `${e.windowId}|${date}` } as never,
      { $set: { windowId: e.windowId, date }, $addToSet: { events: event, submitted } } as never,
      { upsert: true },
    );
  }

  async monthRollup(windowId: string, month: string): Promise<MonthRollup> {
    const doc = await this.windowDays.collection.findOne({ _id: `${windowId}|${month}` } as never);
    return {
      version: (doc?.version as number | undefined) ?? 0,
      days: doc ? parseRollup<MonthDays>(doc.days as string) : (Object.create(null) as MonthDays),
    };
  }

  /**
   * Writes a window-month's days and total if nobody wrote them since `version` was read.
   * False when someone did: the caller reads again and recomputes.
   */
  async saveMonth(windowId: string, month: string, version: number, days: MonthDays, total: StaffFigures): Promise<boolean> {
    const _id = `${windowId}|${month}`;
    const next = version + 1;
    const fields = { windowId, month, days: JSON.stringify(days), version: next };
    if (version === 0) {
      try {
        await this.windowDays.collection.insertOne({ _id, ...fields } as never);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Written before versions existed (or by the benchmark's bulk load): version 0 too.
        const legacy = await this.windowDays.collection.updateOne({ _id, version: { $exists: false } } as never, { $set: fields });
        if (legacy.matchedCount === 0) return false;
      }
    } else {
      const result = await this.windowDays.collection.updateOne({ _id, version } as never, { $set: fields });
      if (result.matchedCount === 0) return false;
    }
    await setIfNewer(this.windowMonths, _id, 'version', next, { windowId, month, figures: JSON.stringify(total), version: next });
    return true;
  }

  /** Month totals of every window for these months. */
  async monthTotals(months: readonly string[]): Promise<{ windowId: string; figures: StaffFigures }[]> {
    if (months.length === 0) return [];
    const docs = await this.windowMonths.collection
      .find({ month: { $in: [...months] } }, { projection: { windowId: 1, figures: 1 }, batchSize: MANY })
      .toArray();
    return docs.map((d) => ({ windowId: d.windowId as string, figures: parseRollup<StaffFigures>(d.figures as string) }));
  }

  /** Day rollups of every window for these months. */
  async monthDaysOf(months: readonly string[]): Promise<{ windowId: string; days: MonthDays }[]> {
    if (months.length === 0) return [];
    const docs = await this.windowDays.find({ month: { $in: months } }).lean();
    return docs.map((d) => ({ windowId: d.windowId as string, days: parseRollup<MonthDays>(d.days as string) }));
  }

  /** Bulk loading for generated data (the benchmark): plain inserts in one round trip. */
  async insertMany(kind: 'presence' | 'windowDays' | 'windowMonths', docs: Doc[]): Promise<void> {
    const model = { presence: this.presence, windowDays: this.windowDays, windowMonths: this.windowMonths }[kind];
    await model.collection.insertMany(docs as never[], { ordered: false });
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
