import { ComplaintMessage, Decoded, validateMessage } from '@hallwatch/contracts';
import { CaseCsvRecord, CsvEncoding, parseCsvExport } from './case-csv';
import { missingColumns, rowFromCsvRecord } from './case-row';

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
  return missingColumns(header, COMPLAINT_COLUMNS, OPTIONAL);
}

/** Reads a complaint export (parseCsvExport with the complaint columns). */
export function parseComplaintCsv(bytes: Uint8Array): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  return parseCsvExport(bytes, 'a complaint export', missingComplaintColumns);
}

/** One CSV record as a complaint to validate: `verified` true/false read as booleans, "pending" kept. */
export function complaintRowFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const row = rowFromCsvRecord(record, COMPLAINT_COLUMNS);
  if (row.verified === 'true' || row.verified === 'false') row.verified = row.verified === 'true';
  return row;
}

/** Validates one CSV record as a complaint, with the same ComplaintMessage checks as HTTP. */
export function complaintFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Decoded<ComplaintMessage> {
  return validateMessage(ComplaintMessage, complaintRowFromCsvRecord(record));
}
