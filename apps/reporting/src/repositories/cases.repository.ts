import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { replacesCurrent, type CaseStatus, type CaseUpdate } from '@hallwatch/domain';
import { CASE_COLUMNS, caseFactsOf, caseUpdateOf, type CountedCase, type CaseRecord } from '@hallwatch/stats';
import { type Doc, isDuplicateKey, modelOf, readVersion, versionOf, type WrittenBy } from './documents';
import { CaseSchema } from './reporting.schemas';

export interface StoredCase extends CaseRecord {
  /** `${windowId}|${date}` */
  day: string;
  /** Why the update is flagged for the supervisor (a refusal without its reason). */
  flag?: string;
}

/** A stored case: its current version, and every update received (earlier versions and late ones), in the order received. */
export interface CaseState {
  current: StoredCase;
  updates: CaseUpdate[];
}

/**
 * What writing a case did: where it counted before and what is stored now (a late update of a
 * case in flight joins its history, the newer one stays current), or why it was refused.
 */
export type CaseWrite = { stored: true; before?: string; state: CaseState } | { stored: false; reason: string };

/** The fields of a case (its CSV columns but the key) that make a version: posted again with the same ones, nothing changes. */
const CASE_FIELDS: readonly string[] = CASE_COLUMNS.filter((c) => c !== 'caseId');
const TIMES = ['takenAt', 'calledAt', 'startedAt', 'finishedAt', 'deadline', 'at'] as const;

/** Whether two stored documents agree on `fields` (dates as instants, a missing field as absent, no status as completed). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>, fields: readonly string[]): boolean {
  const norm = (k: string, v: unknown) => (v instanceof Date ? v.getTime() : k === 'status' ? (v ?? 'completed') : (v ?? undefined));
  return fields.every((k) => norm(k, a[k]) === norm(k, b[k]));
}

/** A case's fields as a document: times as dates. */
function toDoc(c: StoredCase): Record<string, unknown> {
  const { caseId: _id, ...rest } = c;
  const doc: Record<string, unknown> = { ...rest };
  for (const k of TIMES) if (c[k] !== undefined) doc[k] = new Date(c[k]);
  return doc;
}

/** A stored document (or a version of it) as a case; one stored before statuses is completed. */
function fromDoc(caseId: string, d: Record<string, unknown>): StoredCase {
  const c: Record<string, unknown> = { caseId, status: (d.status as CaseStatus | undefined) ?? 'completed' };
  for (const k of ['windowId', 'staffId', 'serviceItem', 'stage', 'reason', 'satisfaction', 'day', 'flag'])
    if (d[k] !== undefined && d[k] !== null) c[k] = d[k];
  for (const k of TIMES) if (d[k] instanceof Date) c[k] = (d[k] as Date).getTime();
  return c as unknown as StoredCase;
}

function stateOf(caseId: string, d: Record<string, unknown>): CaseState {
  const current = fromDoc(caseId, d);
  const earlier = ((d.versions as Record<string, unknown>[] | undefined) ?? []).map((v) => caseUpdateOf(fromDoc(caseId, v)));
  return { current, updates: [...earlier, caseUpdateOf(current)] };
}

/** Cases by caseId (`cases`), each with the window-day it counts in and its earlier versions. */
@Injectable()
export class CasesRepository {
  private readonly cases: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.cases = modelOf(connection, 'Case', CaseSchema);
  }

  /**
   * Stores a case update by caseId and says which window-day the case counted in before. Posted
   * again with the same fields it changes nothing; with other fields it is a new version if
   * `refusal` names no reason against it: the current one if newer (replacesCurrent), else kept
   * in the history only (a late update: the same one again changes nothing). With `windows`, a
   * case stored on another window is left alone. Versions are written conditionally on the one
   * read, so two writers never lose each other's.
   */
  async replaceCase(c: StoredCase, by: WrittenBy, refusal: () => string | undefined, windows?: readonly string[]): Promise<CaseWrite> {
    const { caseId } = c;
    const doc = toDoc(c);
    for (let attempt = 0; ; attempt++) {
      const stored = await this.cases.collection.findOne({ _id: caseId } as never);
      if (windows && stored && !windows.includes(stored.windowId as string))
        return { stored: false, reason: `case "${caseId}" is stored on window "${stored.windowId as string}", outside your halls` };
      try {
        if (!stored) {
          await this.cases.collection.insertOne({ _id: caseId, ...doc, version: 1, ...by } as never);
          return { stored: true, state: { current: c, updates: [caseUpdateOf(c)] } };
        }
        const before = stored.day as string;
        if (sameFields(stored, doc, CASE_FIELDS)) return { stored: true, before, state: stateOf(caseId, stored) };
        const late = !replacesCurrent(caseUpdateOf(fromDoc(caseId, stored)), caseUpdateOf(c));
        const versions = (stored.versions as Record<string, unknown>[] | undefined) ?? [];
        if (late && versions.some((v) => sameFields(v, doc, CASE_FIELDS))) return { stored: true, before, state: stateOf(caseId, stored) };
        const refused = refusal();
        if (refused) return { stored: false, reason: `case "${caseId}": ${refused}` };
        const version = (stored.version as number | undefined) ?? 1;
        // A late update joins the history (unnumbered: the current version keeps its number).
        const update = late
          ? { $set: { version: version + 1 }, $push: { versions: { ...doc, ...by } } }
          : { $set: { ...doc, version: version + 1, ...by }, $push: { versions: versionOf(stored) } };
        const written = await this.cases.collection.updateOne(readVersion(caseId, stored) as never, update as never);
        if (written.matchedCount === 1) {
          const after = late
            ? { ...stored, versions: [...versions, { ...doc, ...by }] }
            : { ...stored, ...doc, versions: [...versions, versionOf(stored)] };
          return { stored: true, before, state: stateOf(caseId, after) };
        }
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
    const docs = cases.map((c) => ({ _id: c.caseId, ...toDoc(c), version: 1, ...by }));
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

  /** A stored case with its history; undefined when it is not stored. */
  async caseState(caseId: string): Promise<CaseState | undefined> {
    const d = await this.cases.collection.findOne({ _id: caseId } as never);
    return d ? stateOf(caseId, d) : undefined;
  }

  /** The window-day a case counts in now, with what the figures count of it (null while in flight); undefined when it is not stored. */
  async storedCase(caseId: string): Promise<{ day: string; facts: CountedCase | null } | undefined> {
    const state = await this.caseState(caseId);
    return state && { day: state.current.day, facts: caseFactsOf(state.current, state.updates) };
  }

  /** Bulk loading for generated data (the benchmark): plain inserts in one round trip. */
  async insertMany(docs: Doc[]): Promise<void> {
    await this.cases.collection.insertMany(docs as never[], { ordered: false });
  }
}
