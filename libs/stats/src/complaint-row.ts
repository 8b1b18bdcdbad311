import { ComplaintMessage, Decoded, validateMessage } from '@hallwatch/contracts';
import { CaseCsvRecord, CsvEncoding, parseCsvExport, rowFromCsvRecord } from './case-csv';

/** CSV columns of a complaint export; the optional ones may be missing or empty. */
export const COMPLAINT_COLUMNS = [
  'id',
  'receivedAt',
  'channel',
  'windowId',
  'staffId',
  'caseId',
  'category',
  'verified',
  'outcome',
] as const;
const OPTIONAL = new Set(['windowId', 'staffId', 'caseId', 'outcome']);

/** Required columns missing from a CSV header; [] when the header can carry complaints. */
export function missingComplaintColumns(header: readonly string[]): string[] {
  return COMPLAINT_COLUMNS.filter((c) => !OPTIONAL.has(c) && !header.includes(c));
}

/** Reads a complaint export (parseCsvExport with the complaint columns). */
export function parseComplaintCsv(bytes: Uint8Array): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  return parseCsvExport(bytes, missingComplaintColumns);
}

/** One CSV record as a complaint to validate: `verified` true/false read as booleans, "pending" kept. */
export function complaintRowFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  return rowFromCsvRecord(record, COMPLAINT_COLUMNS, (column, cell) =>
    column === 'verified' && (cell === 'true' || cell === 'false') ? cell === 'true' : cell,
  );
}

/** Validates one CSV record as a complaint, with the same ComplaintMessage checks as HTTP. */
export function complaintFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Decoded<ComplaintMessage> {
  return validateMessage(ComplaintMessage, complaintRowFromCsvRecord(record));
}
