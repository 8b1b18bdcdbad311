import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { StateChange } from '@hallwatch/domain';
import type { CaseFacts, StaffFigures } from '@hallwatch/stats';
import { CaseSchema, IncidentSchema, PresenceDaySchema, WindowDaysSchema, WindowMonthSchema } from './reporting.schemas';

export interface StoredCase extends CaseFacts {
  serviceItem: string;
  status: string;
  satisfaction?: number;
  /** `${windowId}|${date}` */
  day: string;
}

export interface DayRollup {
  figures: StaffFigures;
  cases: Record<string, CaseFacts>;
}
export type MonthDays = Record<string, DayRollup>;

export interface StoredIncident {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string;
  staff?: string;
  openedAt: number;
  closedAt?: number;
  status: string;
}

type Doc = Record<string, unknown> & { _id: string };

/** Reporting's database: raw cases, presence and incidents, and the window rollups. */
@Injectable()
export class ReportingRepository {
  private readonly cases: Model<Doc>;
  private readonly presence: Model<Doc>;
  private readonly windowDays: Model<Doc>;
  private readonly windowMonths: Model<Doc>;
  private readonly incidents: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.cases = connection.model('Case', CaseSchema) as unknown as Model<Doc>;
    this.presence = connection.model('PresenceDay', PresenceDaySchema) as unknown as Model<Doc>;
    this.windowDays = connection.model('WindowDays', WindowDaysSchema) as unknown as Model<Doc>;
    this.windowMonths = connection.model('WindowMonth', WindowMonthSchema) as unknown as Model<Doc>;
    this.incidents = connection.model('Incident', IncidentSchema) as unknown as Model<Doc>;
  }

  /** Stores a case by caseId and returns the window-day it counted in before, if any. */
  async replaceCase(c: StoredCase): Promise<string | undefined> {
    const { caseId, ...rest } = c;
    const doc = { ...rest, takenAt: new Date(c.takenAt), calledAt: new Date(c.calledAt), startedAt: new Date(c.startedAt), finishedAt: new Date(c.finishedAt), deadline: new Date(c.deadline) };
    const before = await this.cases.findOneAndReplace({ _id: caseId }, doc, { upsert: true, returnDocument: 'before' }).lean();
    return (before?.day as string | undefined) ?? undefined;
  }

  async presenceDay(windowId: string, date: string): Promise<StateChange[]> {
    const doc = await this.presence.findById(`${windowId}|${date}`).lean();
    const hallId = (doc?.hallId as string) ?? '';
    return ((doc?.changes as { state: StateChange['state']; since: number; at: number }[]) ?? []).map((c) => ({ windowId, hallId, ...c }));
  }

  async savePresenceDay(windowId: string, hallId: string, date: string, changes: readonly StateChange[]): Promise<void> {
    await this.presence.replaceOne(
      { _id: `${windowId}|${date}` },
      { windowId, hallId, date, changes: changes.map(({ state, since, at }) => ({ state, since, at })) },
      { upsert: true },
    );
  }

  async monthDays(windowId: string, month: string): Promise<MonthDays> {
    const doc = await this.windowDays.findById(`${windowId}|${month}`).lean();
    return doc ? (JSON.parse(doc.days as string) as MonthDays) : {};
  }

  async saveMonth(windowId: string, month: string, days: MonthDays, total: StaffFigures): Promise<void> {
    const _id = `${windowId}|${month}`;
    await this.windowDays.replaceOne({ _id }, { windowId, month, days: JSON.stringify(days) }, { upsert: true });
    await this.windowMonths.replaceOne({ _id }, { windowId, month, figures: JSON.stringify(total) }, { upsert: true });
  }

  /** Month totals of every window for these months. */
  async monthTotals(months: readonly string[]): Promise<{ windowId: string; figures: StaffFigures }[]> {
    if (months.length === 0) return [];
    const docs = await this.windowMonths.find({ month: { $in: months } }).lean();
    return docs.map((d) => ({ windowId: d.windowId as string, figures: JSON.parse(d.figures as string) as StaffFigures }));
  }

  /** Day rollups of every window for these months. */
  async monthDaysOf(months: readonly string[]): Promise<{ windowId: string; days: MonthDays }[]> {
    if (months.length === 0) return [];
    const docs = await this.windowDays.find({ month: { $in: months } }).lean();
    return docs.map((d) => ({ windowId: d.windowId as string, days: JSON.parse(d.days as string) as MonthDays }));
  }

  async incident(id: string): Promise<StoredIncident | undefined> {
    const d = await this.incidents.findById(id).lean();
    return d ? toIncident(d) : undefined;
  }

  async saveIncident(i: StoredIncident): Promise<void> {
    const { id, ...rest } = i;
    await this.incidents.replaceOne(
      { _id: id },
      { ...rest, openedAt: new Date(i.openedAt), closedAt: i.closedAt === undefined ? undefined : new Date(i.closedAt) },
      { upsert: true },
    );
  }

  /** Incidents that opened within [from, to). */
  async incidentsOpenedBetween(from: number, to: number): Promise<StoredIncident[]> {
    const docs = await this.incidents.find({ openedAt: { $gte: new Date(from), $lt: new Date(to) } }).lean();
    return docs.map(toIncident);
  }

  /** Bulk loading for generated data (the benchmark): plain inserts in one round trip. */
  async insertMany(kind: 'cases' | 'presence' | 'windowDays' | 'windowMonths', docs: Doc[]): Promise<void> {
    const model = { cases: this.cases, presence: this.presence, windowDays: this.windowDays, windowMonths: this.windowMonths }[kind];
    await model.collection.insertMany(docs as never[], { ordered: false });
  }
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
    status: d.status as string,
  };
}
