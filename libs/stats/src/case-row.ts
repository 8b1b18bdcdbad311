import { CaseMessage, Decoded, validateMessage } from '@hallwatch/contracts';
import { CaseFacts } from './figures';

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
] as const;
const OPTIONAL = new Set(['staffId', 'satisfaction']);

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

export function caseFacts(c: CaseMessage): CaseFacts {
  const facts: CaseFacts = {
    caseId: c.caseId,
    windowId: c.windowId,
    staffId: c.staffId,
    takenAt: Date.parse(c.takenAt),
    calledAt: Date.parse(c.calledAt),
    startedAt: Date.parse(c.startedAt),
    finishedAt: Date.parse(c.finishedAt),
    deadline: Date.parse(c.deadline),
  };
  if (c.satisfaction !== undefined) facts.satisfaction = c.satisfaction;
  return facts;
}
