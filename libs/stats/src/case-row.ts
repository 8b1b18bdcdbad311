import { CaseMessage, Decoded, validateMessage } from '@hallwatch/contracts';
import { CaseCsvRecord, CsvEncoding, parseCsvExport, rowFromCsvRecord } from './case-csv';
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
  return CASE_COLUMNS.filter((c) => !OPTIONAL.has(c) && !header.includes(c));
}

/** Reads a case export (parseCsvExport with the case columns). */
export function parseCaseCsv(bytes: Uint8Array): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  return parseCsvExport(bytes, missingCaseColumns);
}

/**
 * One CSV record (all strings) as a case to validate: cells are trimmed, empty optional cells
 * dropped, satisfaction read as a number.
 */
export function caseRowFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  return rowFromCsvRecord(record, CASE_COLUMNS, (column, cell) =>
    column === 'satisfaction' && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell,
  );
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
