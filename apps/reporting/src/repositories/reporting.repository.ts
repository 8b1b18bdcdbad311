import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { LeaveMessage } from '@hallwatch/contracts';
import type { Leave, QueueEvent, StateChange } from '@hallwatch/domain';
import type { CaseFacts, StaffFigures } from '@hallwatch/stats';
import {
  CaseSchema,
  ComplaintSchema,
  LeaveSchema,
  PresenceDaySchema,
  QueueDaySchema,
  ReportedIncidentSchema,
  WindowDaysSchema,
  WindowMonthSchema,
} from './reporting.schemas';

export interface StoredCase extends CaseFacts {
  serviceItem: string;
  status: string;
  /** `${windowId}|${date}` */
  day: string;
}

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

export interface StoredIncident {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string;
  staff?: string;
  openedAt: number;
  closedAt?: number;
  review?: string;
  leaveId?: string;
}

export interface StoredComplaint {
  id: string;
  receivedAt: number;
  channel: string;
  windowId?: string;
  /** Of its window; undefined without one. */
  hallId?: string;
  staffId?: string;
  caseId?: string;
  category: string;
  verified: boolean | 'pending';
  outcome?: string;
}

/** What replacing a case did: where it counted before, or that it is stored outside the allowed windows. */
export type CaseWrite = { stored: true; before?: string } | { stored: false; windowId: string };

type Doc = Record<string, unknown> & { _id: string };

/** Cursor batch size of a read that wants all it matches (a year of month totals: 2,400 documents) in one reply. */
const MANY = 100_000;

/** E11000: an insert (or upsert) met a document with the same _id. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

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

/**
 * Reporting's database: raw cases and presence, the window rollups and its copy of incidents.
 * Every write is safe with several reporting instances and the CLI import at once: raw facts are
 * written with single-document atomic updates, rollups with a version check (no transactions,
 * which FerretDB lacks), and every document is addressed by _id (all FerretDB filters fast).
 */
@Injectable()
export class ReportingRepository {
  private readonly cases: Model<Doc>;
  private readonly presence: Model<Doc>;
  private readonly windowDays: Model<Doc>;
  private readonly windowMonths: Model<Doc>;
  private readonly incidents: Model<Doc>;
  private readonly queue: Model<Doc>;
  private readonly leaves: Model<Doc>;
  private readonly complaints: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.cases = connection.model('Case', CaseSchema) as unknown as Model<Doc>;
    this.presence = connection.model('PresenceDay', PresenceDaySchema) as unknown as Model<Doc>;
    this.windowDays = connection.model('WindowDays', WindowDaysSchema) as unknown as Model<Doc>;
    this.windowMonths = connection.model('WindowMonth', WindowMonthSchema) as unknown as Model<Doc>;
    this.incidents = connection.model('ReportedIncident', ReportedIncidentSchema) as unknown as Model<Doc>;
    this.queue = connection.model('QueueDay', QueueDaySchema) as unknown as Model<Doc>;
    this.leaves = connection.model('Leave', LeaveSchema) as unknown as Model<Doc>;
    this.complaints = connection.model('Complaint', ComplaintSchema) as unknown as Model<Doc>;
  }

  /**
   * Inserts a leave unless its id is stored; answers the stored one when it was (insert-only, so
   * two writers of one id cannot both win).
   */
  async insertLeave(l: LeaveMessage): Promise<LeaveMessage | undefined> {
    const { id, from, to, ...rest } = l;
    try {
      await this.leaves.collection.insertOne({ _id: id, ...rest, from: new Date(from), to: new Date(to) } as never);
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const d = (await this.leaves.collection.findOne({ _id: id } as never))!;
      return {
        id,
        staffId: d.staffId as string,
        kind: d.kind as LeaveMessage['kind'],
        from: (d.from as Date).toISOString(),
        to: (d.to as Date).toISOString(),
        reason: d.reason as string,
        approvedBy: d.approvedBy as string,
        ...(d.replacementStaffId ? { replacementStaffId: d.replacementStaffId as string } : {}),
      };
    }
  }

  /** Staff whose leaves overlapping [from, to) name `staffId` as their replacement. */
  async replacedBy(staffId: string, from: number, to: number): Promise<string[]> {
    const docs = await this.leaves.find({ replacementStaffId: staffId, from: { $lt: new Date(to) }, to: { $gt: new Date(from) } }).lean();
    return docs.map((d) => d.staffId as string);
  }

  /** Leaves of these staff overlapping [from, to). */
  async leavesOf(staffIds: readonly string[], from: number, to: number): Promise<Leave[]> {
    if (staffIds.length === 0) return [];
    const docs = await this.leaves
      .find({ staffId: { $in: [...staffIds] }, from: { $lt: new Date(to) }, to: { $gt: new Date(from) } })
      .sort({ _id: 1 })
      .lean();
    return docs.map((d) => ({
      id: d._id,
      staffId: d.staffId as string,
      kind: d.kind as Leave['kind'],
      from: (d.from as Date).getTime(),
      to: (d.to as Date).getTime(),
      ...(d.replacementStaffId ? { replacementStaffId: d.replacementStaffId as string } : {}),
    }));
  }

  /**
   * Stores a case by caseId and says which window-day it counted in before. With `windows`, only
   * a case that is new or stored on one of them is replaced (atomically: the filter and the write
   * are one operation), so a caller limited to some halls never moves a case out of another hall.
   */
  async replaceCase(c: StoredCase, windows?: readonly string[]): Promise<CaseWrite> {
    const { caseId, ...rest } = c;
    const doc = {
      ...rest,
      takenAt: new Date(c.takenAt),
      calledAt: new Date(c.calledAt),
      startedAt: new Date(c.startedAt),
      finishedAt: new Date(c.finishedAt),
      deadline: new Date(c.deadline),
    };
    const filter = windows ? { _id: caseId, windowId: { $in: [...windows] } } : { _id: caseId };
    for (let attempt = 0; ; attempt++) {
      try {
        const before = await this.cases.collection.findOneAndReplace(filter as never, doc, { upsert: true, returnDocument: 'before' });
        return { stored: true, before: (before?.day as string | undefined) ?? undefined };
      } catch (err) {
        // Two writers inserted the same new caseId at once (the loser retries as a replace), or,
        // with `windows`, the case exists on another window.
        if (!isDuplicateKey(err) || attempt >= 3) throw err;
        const stored = await this.cases.collection.findOne({ _id: caseId } as never, { projection: { windowId: 1 } });
        if (windows && stored && !windows.includes(stored.windowId as string))
          return { stored: false, windowId: stored.windowId as string };
      }
    }
  }

  /**
   * Inserts cases that are not stored yet in one round trip (the common case of an import) and
   * answers the caseIds that were already stored, for replaceCase.
   */
  async insertNewCases(cases: readonly StoredCase[]): Promise<Set<string>> {
    if (cases.length === 0) return new Set();
    const docs = cases.map(({ caseId, ...rest }) => ({
      _id: caseId,
      ...rest,
      takenAt: new Date(rest.takenAt),
      calledAt: new Date(rest.calledAt),
      startedAt: new Date(rest.startedAt),
      finishedAt: new Date(rest.finishedAt),
      deadline: new Date(rest.deadline),
    }));
    try {
      await this.cases.collection.insertMany(docs as never[], { ordered: false });
      return new Set();
    } catch (err) {
      const errors = (err as { writeErrors?: { index: number; code: number }[] | { index: number; code: number } }).writeErrors;
      const list = Array.isArray(errors) ? errors : errors ? [errors] : [];
      if (list.length === 0 || list.some((e) => e.code !== 11000)) throw err;
      return new Set(list.map((e) => cases[e.index].caseId));
    }
  }

  /** The window-day a case counts in now, with its facts; undefined when it is not stored. */
  async storedCase(caseId: string): Promise<{ day: string; facts: CaseFacts } | undefined> {
    const d = await this.cases.collection.findOne({ _id: caseId } as never);
    if (!d) return undefined;
    const ms = (k: string) => (d[k] as Date).getTime();
    const facts: CaseFacts = {
      caseId,
      windowId: d.windowId as string,
      takenAt: ms('takenAt'),
      calledAt: ms('calledAt'),
      startedAt: ms('startedAt'),
      finishedAt: ms('finishedAt'),
      deadline: ms('deadline'),
    };
    if (d.staffId) facts.staffId = d.staffId as string;
    if (typeof d.satisfaction === 'number') facts.satisfaction = d.satisfaction;
    return { day: d.day as string, facts };
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

  /** Adds a queue event to its window-day; atomic and idempotent like addPresenceChange. */
  async addQueueEvent(e: QueueEvent, date: string): Promise<void> {
    await this.queue.collection.updateOne(
      { _id: `${e.windowId}|${date}` } as never,
      { $set: { windowId: e.windowId, date }, $addToSet: { events: { staffId: e.staffId, event: e.event, at: e.at } } } as never,
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
    await this.setIfNewer(this.windowMonths, _id, 'version', next, { windowId, month, figures: JSON.stringify(total), version: next });
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

  /**
   * Records an incident's open or close event. Every field is set, never unset, so events in any
   * order and redelivered ones give the same document: a late `opened` never reopens it.
   */
  async saveIncident(i: Omit<StoredIncident, 'review'>): Promise<void> {
    const set: Record<string, unknown> = { kind: i.kind, hallId: i.hallId, openedAt: new Date(i.openedAt) };
    if (i.windowId !== undefined) set.windowId = i.windowId;
    if (i.staff !== undefined) set.staff = i.staff;
    if (i.closedAt !== undefined) set.closedAt = new Date(i.closedAt);
    if (i.leaveId !== undefined) set.leaveId = i.leaveId;
    await this.incidents.collection.updateOne({ _id: i.id } as never, { $set: set }, { upsert: true });
  }

  /** Records the bureau's decision (or an appeal) made at `at`, unless a later one is already recorded. */
  async saveReview(id: string, review: string, at: number): Promise<void> {
    await this.setIfNewer(this.incidents, id, 'reviewedAt', new Date(at), { review, reviewedAt: new Date(at) });
  }

  /** Incidents that opened within [from, to). */
  async incidentsOpenedBetween(from: number, to: number): Promise<StoredIncident[]> {
    const docs = await this.incidents.find({ openedAt: { $gte: new Date(from), $lt: new Date(to) } }).lean();
    return docs.map(toIncident);
  }

  /**
   * Stores a complaint by id (atomic: one replace). With `halls`, only a complaint that is new or
   * stored in one of them is replaced; false when it is stored elsewhere.
   */
  async replaceComplaint(c: StoredComplaint, halls?: readonly string[]): Promise<boolean> {
    const { id, receivedAt, ...rest } = c;
    const doc = { ...rest, receivedAt: new Date(receivedAt) };
    const filter = halls ? { _id: id, hallId: { $in: [...halls] } } : { _id: id };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.complaints.collection.replaceOne(filter as never, doc, { upsert: true });
        return true;
      } catch (err) {
        // Two writers inserted the same new id at once (the loser retries as a replace), or, with
        // `halls`, the complaint exists outside them.
        if (!isDuplicateKey(err) || attempt >= 3) throw err;
        if (halls && (await this.complaints.collection.countDocuments({ _id: id } as never)) > 0) return false;
      }
    }
  }

  /** Complaints received within [from, to). */
  async complaintsReceivedBetween(from: number, to: number): Promise<StoredComplaint[]> {
    const docs = await this.complaints.find({ receivedAt: { $gte: new Date(from), $lt: new Date(to) } }).lean();
    return docs.map((d) => ({
      id: d._id,
      receivedAt: (d.receivedAt as Date).getTime(),
      channel: d.channel as string,
      windowId: (d.windowId as string) ?? undefined,
      hallId: (d.hallId as string) ?? undefined,
      staffId: (d.staffId as string) ?? undefined,
      caseId: (d.caseId as string) ?? undefined,
      category: d.category as string,
      verified: d.verified as StoredComplaint['verified'],
      outcome: (d.outcome as string) ?? undefined,
    }));
  }

  /** Bulk loading for generated data (the benchmark): plain inserts in one round trip. */
  async insertMany(kind: 'cases' | 'presence' | 'windowDays' | 'windowMonths', docs: Doc[]): Promise<void> {
    const model = { cases: this.cases, presence: this.presence, windowDays: this.windowDays, windowMonths: this.windowMonths }[kind];
    await model.collection.insertMany(docs as never[], { ordered: false });
  }

  /** Sets `fields` on document _id unless its `key` is already at `value` or later (one atomic write). */
  private async setIfNewer(
    model: Model<Doc>,
    _id: string,
    key: string,
    value: number | Date,
    fields: Record<string, unknown>,
  ): Promise<void> {
    try {
      await model.collection.updateOne({ _id, [key]: { $lt: value } } as never, { $set: fields }, { upsert: true });
    } catch (err) {
      // The document exists with a later `key`, or without one (then this is the first).
      if (!isDuplicateKey(err)) throw err;
      await model.collection.updateOne({ _id, [key]: { $exists: false } } as never, { $set: fields });
    }
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

function toIncident(d: Doc): StoredIncident {
  return {
    id: d._id,
    kind: d.kind as string,
    hallId: d.hallId as string,
    windowId: (d.windowId as string) ?? undefined,
    staff: (d.staff as string) ?? undefined,
    openedAt: (d.openedAt as Date).getTime(),
    closedAt: d.closedAt ? (d.closedAt as Date).getTime() : undefined,
    review: (d.review as string) ?? undefined,
    leaveId: (d.leaveId as string) ?? undefined,
  };
}
