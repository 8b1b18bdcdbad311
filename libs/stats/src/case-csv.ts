import { parse } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';
import { missingCaseColumns } from './case-row';

/** A CSV file that cannot be read as an export (of cases, of leaves); the message names the line when there is one. */
export class CsvFileError extends Error {}

export type CsvEncoding = 'utf-8' | 'gb18030';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The text of a CSV as the hall's systems export it: UTF-8 with or without a BOM, or GB18030
 * (a superset of GBK, what Excel and many Chinese queue systems write). Bytes that are neither
 * are refused with the line they are on, never turned into mojibake.
 */
export function decodeCsvText(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    throw new CsvFileError('the file is UTF-16 text: save it as "CSV UTF-8" (or GBK CSV)');
  }
  const nul = buffer.indexOf(0);
  if (nul >= 0)
    throw new CsvFileError(`line ${lineOf(buffer.subarray(0, nul).toString('latin1'), nul)}: a NUL byte; this is not a CSV text file`);
  const bom = UTF8_BOM.every((b, i) => buffer[i] === b);
  const body = bom ? buffer.subarray(3) : buffer;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    if (bom) {
      const loose = new TextDecoder('utf-8').decode(body);
      throw new CsvFileError(
        `line ${lineOf(loose, loose.indexOf('\ufffd'))}: the file starts as UTF-8 (BOM) but holds bytes that are not UTF-8`,
      );
    }
  }
  const text = iconv.decode(body, 'gb18030');
  const bad = text.indexOf('\ufffd');
  if (bad >= 0) throw new CsvFileError(`line ${lineOf(text, bad)}: bytes that are neither UTF-8 nor GB18030/GBK text`);
  return { text, encoding: 'gb18030' };
}

export interface CaseCsvRecord {
  /** Line of the file the record starts on (the header is line 1). */
  line: number;
  /** Cells by column name; a null-prototype object, so no header can reach a prototype. */
  cells: Record<string, string>;
}

/** Reads a case export (see parseCsvExport). */
export function parseCaseCsv(bytes: Uint8Array): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  return parseCsvExport(bytes, 'a case export', missingCaseColumns);
}

/**
 * Reads an export (`what`, e.g. "a case export"): decoded (decodeCsvText), parsed, header checked
 * by `missingColumns`. A file with only its header gives no records; a file without a header, a
 * broken CSV or a missing column throws CsvFileError.
 */
export function parseCsvExport(
  bytes: Uint8Array,
  what: string,
  missingColumns: (header: readonly string[]) => string[],
): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  const { text, encoding } = decodeCsvText(bytes);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof rows;
  } catch (err) {
    throw new CsvFileError((err as Error).message);
  }
  if (rows.length === 0) throw new CsvFileError(`the file is empty: ${what} starts with a header row`);
  const header = rows[0].record;
  const twice = header.find((name, i) => header.indexOf(name) !== i);
  if (twice !== undefined) throw new CsvFileError(`line 1: the column ${JSON.stringify(twice)} appears twice`);
  const missing = missingColumns(header);
  if (missing.length > 0) throw new CsvFileError(`line 1: the column(s) ${missing.join(', ')} are missing`);
  const records = rows.slice(1).map(({ record, info }) => {
    const cells: Record<string, string> = Object.create(null);
    header.forEach((name, i) => {
      if (record[i] !== undefined) cells[name] = record[i];
    });
    const breaks = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - breaks, cells };
  });
  return { encoding, records };
}

/** What `exportRows` makes of an export's records: the rows to hand on, each with its line, and the rows refused here. */
export interface ExportRows {
  rows: { line: number; row: Record<string, unknown> }[];
  refused: { line: number; id?: string; reason: string }[];
}

/**
 * An export's records as rows to validate (`rowOf`), in file order. A later row with the `idKey`
 * (caseId, id) of an earlier one is refused, never a silent replacement; every other check is the
 * receiver's. Shared by `hallwatch import` and the console's upload (POST /api/imports/...).
 */
export function exportRows(
  records: readonly CaseCsvRecord[],
  idKey: string,
  rowOf: (cells: Record<string, string>) => Record<string, unknown>,
): ExportRows {
  const firstLine = new Map<string, number>();
  const result: ExportRows = { rows: [], refused: [] };
  for (const { line, cells } of records) {
    const row = rowOf(cells);
    const id = typeof row[idKey] === 'string' ? (row[idKey] as string) : undefined;
    const first = id === undefined ? undefined : firstLine.get(id);
    if (first !== undefined) {
      result.refused.push({ line, id, reason: `${idKey} "${id}" is also on line ${first}` });
      continue;
    }
    if (id !== undefined) firstLine.set(id, line);
    result.rows.push({ line, row });
  }
  return result;
}
