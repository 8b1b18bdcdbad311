import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { CASE_COLUMNS, type CaseFacts } from '@hallwatch/stats';
import { type Doc, isDuplicateKey, modelOf, readVersion, versionOf, type WrittenBy } from './documents';
import { CaseSchema } from './reporting.schemas';

export interface StoredCase extends CaseFacts {
  serviceItem: string;
  status: string;
  /** `${windowId}|${date}` */
  day: string;
}

/** What writing a stored case did: where it counted before, or why it was refused. */
export type CaseWrite = { stored: true; before?: string } | { stored: false; reason: string };

/** The fields of a case (its CSV columns but the key) that make a version: posted again with the same ones, nothing changes. */
const CASE_FIELDS: readonly string[] = CASE_COLUMNS.filter((c) => c !== 'caseId');

/** Whether two stored documents agree on `fields` (dates as instants, a missing field as absent). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>, fields: readonly string[]): boolean {
  const norm = (v: unknown) => (v instanceof Date ? v.getTime() : (v ?? undefined));
  return fields.every((k) => norm(a[k]) === norm(b[k]));
}

/** Cases by caseId (`cases`), each with the window-day it counts in and its earlier versions. */
@Injectable()
export class CasesRepository {
  private readonly cases: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.cases = modelOf(connection, 'Case', CaseSchema);
  }

  /**
   * Stores a case by caseId and says which window-day it counted in before. A case posted again
   * with the same fields changes nothing; with other fields it becomes a new version (the old one
   * kept in `versions`) if `refusal` names no reason against it. With `windows`, a case stored on
   * another window is left alone. Versions are written conditionally on the one read, so two
   * writers never lose each other's.
   */
  async replaceCase(c: StoredCase, by: WrittenBy, refusal: () => string | undefined, windows?: readonly string[]): Promise<CaseWrite> {
    const { caseId, ...rest } = c;
    const doc: Record<string, unknown> = {
      ...rest,
      takenAt: new Date(c.takenAt),
      calledAt: new Date(c.calledAt),
      startedAt: new Date(c.startedAt),
      finishedAt: new Date(c.finishedAt),
      deadline: new Date(c.deadline),
    };
    for (let attempt = 0; ; attempt++) {
      const stored = await this.cases.collection.findOne({ _id: caseId } as never);
      if (windows && stored && !windows.includes(stored.windowId as string))
        return { stored: false, reason: `case "${caseId}" is stored on window "${stored.windowId as string}", outside your halls` };
      try {
        if (!stored) {
          await this.cases.collection.insertOne({ _id: caseId, ...doc, version: 1, ...by } as never);
          return { stored: true };
        }
        if (sameFields(stored, doc, CASE_FIELDS)) return { stored: true, before: stored.day as string };
        const refused = refusal();
        if (refused) return { stored: false, reason: `case "${caseId}": ${refused}` };
        const version = (stored.version as number | undefined) ?? 1;
        const written = await this.cases.collection.updateOne(
          readVersion(caseId, stored) as never,
          { $set: { ...doc, version: version + 1, ...by }, $push: { versions: versionOf(stored) } } as never,
        );
        if (written.matchedCount === 1) return { stored: true, before: stored.day as string };
      } catch (err) {
        // Two writers inserted the same new caseId at once: the loser reads it again.
        if (!isDuplicateKey(err)) throw err;
      }
      if (attempt >= 3) throw new Error(`case "${caseId}": written by others ${attempt + 1} times while storing it`);
    }
  }

  /**
   * Inserts cases that are not stored yet in one round trip (the common case of an import) and
   * answers the caseIds that were already stored, for replaceCase.
   */
  async insertNewCases(cases: readonly StoredCase[], by: WrittenBy): Promise<Set<string>> {
    if (cases.length === 0) return new Set();
    const docs = cases.map(({ caseId, ...rest }) => ({
      _id: caseId,
      ...rest,
      version: 1,
      ...by,
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

  /** Bulk loading for generated data (the benchmark): plain inserts in one round trip. */
  async insertMany(docs: Doc[]): Promise<void> {
    await this.cases.collection.insertMany(docs as never[], { ordered: false });
  }
}
