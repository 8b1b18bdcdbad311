import { CsvEncoding, CaseCsvRecord, parseCsvExport } from './case-csv';
import { missingColumns, rowFromCsvRecord } from './case-row';

/**
 * CSV columns of a leave export (LeaveMessage fields); replacementStaffId may be missing or empty.
 * approvedBy, in older exports, is read only to be answered with a warning: the approver is the
 * admin who runs the import.
 */
export const LEAVE_COLUMNS = ['id', 'staffId', 'kind', 'from', 'to', 'reason', 'approvedBy', 'replacementStaffId'] as const;
const OPTIONAL = new Set(['replacementStaffId', 'approvedBy']);

/** Reads a leave export like a case export (UTF-8 or GB18030/GBK, header checked). */
export function parseLeaveCsv(bytes: Uint8Array): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  return parseCsvExport(bytes, 'a leave export', (header) => missingColumns(header, LEAVE_COLUMNS, OPTIONAL));
}

/** One CSV record as a leave to validate (cells trimmed, empty ones dropped). */
export function leaveRowFromCsvRecord(record: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  return rowFromCsvRecord(record, LEAVE_COLUMNS);
}
