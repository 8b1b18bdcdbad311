import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { CountedCase, StaffFigures } from '@hallwatch/stats';
import { type Doc, isDuplicateKey, modelOf, setIfNewer } from './documents';
import { WindowDaysSchema, WindowMonthSchema } from './reporting.schemas';

export interface DayRollup {
  figures: StaffFigures;
  /** By caseId; without a prototype (see parseRollup). */
  cases: Record<string, CountedCase>;
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

/**
 * The window rollups the reports read: each window-month's day figures and cases (`window_days`)
 * and their sum (`window_months`), written together as one versioned step.
 */
@Injectable()
export class WindowRollupsRepository {
  private readonly windowDays: Model<Doc>;
  private readonly windowMonths: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.windowDays = modelOf(connection, 'WindowDays', WindowDaysSchema);
    this.windowMonths = modelOf(connection, 'WindowMonth', WindowMonthSchema);
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
      // Months written before versions existed got version 1 at start (migration window-days-version).
      try {
        await this.windowDays.collection.insertOne({ _id, ...fields } as never);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        return false;
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
}
