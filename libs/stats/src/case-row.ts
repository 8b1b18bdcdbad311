import { CaseMessage, Decoded, validateMessage } from '@hallwatch/contracts';
import { caseTimeline, effectiveDeadline, isOpenCaseStatus, type CaseStatus, type CaseUpdate } from '@hallwatch/domain';
import { CaseFacts, CountedCase } from './figures';

/** CSV columns of a case export; the optional ones may be missing or empty. */
export const CASE_COLUMNS = [
  'caseId',
  'windowId',
  'staffId',
  'serviceItem',
  'takenAt',
  'calledAt',
  'startedAt',
  'finishedAt',
  'deadline',
  'status',
  'satisfaction',
  'at',
  'stage',
  'reason',
] as const;
/** A file without a status column holds finished cases (completed), as the export always did. */
const OPTIONAL = new Set(['staffId', 'satisfaction', 'status', 'at', 'stage', 'reason']);

/** Required columns missing from a CSV header; [] when the header can carry cases. */
export function missingCaseColumns(header: readonly string[]): string[] {
  return missingColumns(header, CASE_COLUMNS, OPTIONAL);
}

/** The `columns` not `optional` that `header` lacks. */
export function missingColumns(header: readonly string[], columns: readonly string[], optional: ReadonlySet<string>): string[] {
  return columns.filter((c) => !optional.has(c) && !header.includes(c));
}

/**
 * One CSV record (all strings) as a case to validate: cells are trimmed, empty optional cells
 * dropped, satisfaction read as a number.
 */
export function caseRowFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  return rowFromCsvRecord(record, CASE_COLUMNS, new Set(['satisfaction']));
}

/** A CSV record's `columns` as a row to validate: cells trimmed, empty ones dropped, `numeric` ones that read as numbers made numbers. */
export function rowFromCsvRecord(
  record: Readonly<Record<string, string | undefined>>,
  columns: readonly string[],
  numeric: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const column of columns) {
    const cell = record[column]?.trim();
    if (cell === undefined || cell === '') continue;
    plain[column] = numeric.has(column) && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
  }
  return plain;
}

/** Validates one CSV record as a case, with the same CaseMessage checks as HTTP and NATS. */
export function caseFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Decoded<CaseMessage> {
  return validateMessage(CaseMessage, caseRowFromCsvRecord(record));
}

/**
 * A case's version as stored, times in epoch ms: calledAt, startedAt and finishedAt may be
 * missing while it is in flight; `at` is stored only for an update in flight (a finished one's is finishedAt).
 */
export interface CaseRecord {
  caseId: string;
  windowId: string;
  staffId?: string;
  serviceItem: string;
  takenAt: number;
  calledAt?: number;
  startedAt?: number;
  finishedAt?: number;
  deadline: number;
  status: CaseStatus;
  at?: number;
  stage?: string;
  reason?: string;
  satisfaction?: number;
}

/** A validated case message as stored: no status is completed, a finished case's `at` is its finishedAt. */
export function caseRecordOf(c: CaseMessage): CaseRecord {
  const status = c.status ?? 'completed';
  const ms = (t: string | undefined) => (t === undefined ? undefined : Date.parse(t));
  const record: CaseRecord = {
    caseId: c.caseId,
    windowId: c.windowId,
    serviceItem: c.serviceItem,
    takenAt: Date.parse(c.takenAt),
    deadline: Date.parse(c.deadline),
    status,
  };
  const optional = {
    staffId: c.staffId,
    calledAt: ms(c.calledAt),
    startedAt: ms(c.startedAt),
    finishedAt: ms(c.finishedAt),
    at: isOpenCaseStatus(status) ? ms(c.at) : undefined,
    stage: c.stage,
    reason: c.reason,
    satisfaction: c.satisfaction,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(record, { [k]: v });
  return record;
}

/** The update a stored version stands for: its status, at its `at` (a finished one's finishedAt). */
export function caseUpdateOf(r: Pick<CaseRecord, 'status' | 'at' | 'finishedAt'>): CaseUpdate {
  return { status: r.status, at: isOpenCaseStatus(r.status) ? r.at! : r.finishedAt! };
}

/**
 * What the figures count of a case whose current version is `current`, given every update
 * received (in the order received): while in flight, a no-show if it was called and not started,
 * else nothing; once finished, its facts with the deadline moved by the time it was suspended
 * (see effectiveDeadline).
 */
export function caseFactsOf(current: CaseRecord, updates: readonly CaseUpdate[]): CountedCase | null {
  if (isOpenCaseStatus(current.status)) {
    if (current.calledAt === undefined || current.startedAt !== undefined) return null;
    const { caseId, windowId, staffId, takenAt, calledAt } = current;
    return { caseId, windowId, ...(staffId !== undefined && { staffId }), takenAt, calledAt, noShow: true };
  }
  const finishedAt = current.finishedAt!;
  const facts: CaseFacts = {
    caseId: current.caseId,
    windowId: current.windowId,
    takenAt: current.takenAt,
    calledAt: current.calledAt!,
    startedAt: current.startedAt!,
    finishedAt,
    deadline: effectiveDeadline(current.deadline, caseTimeline(updates), finishedAt),
  };
  if (current.staffId !== undefined) facts.staffId = current.staffId;
  if (current.satisfaction !== undefined) facts.satisfaction = current.satisfaction;
  return facts;
}
