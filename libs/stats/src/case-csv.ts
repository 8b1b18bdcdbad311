import { parse } from 'csv-parse/sync';
import * as iconv from 'iconv-lite';

/** A CSV file that cannot be read as an export (of cases, complaints); the message names the line when there is one. */
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

/**
 * Reads a CSV export: decoded (decodeCsvText), parsed, header checked by `missingColumns` (the
 * required columns it lacks). A file with only its header gives no records; a file without a
 * header, a broken CSV or a missing column throws CsvFileError.
 */
export function parseCsvExport(
  bytes: Uint8Array,
  missingColumns: (header: readonly string[]) => string[],
): { encoding: CsvEncoding; records: CaseCsvRecord[] } {
  const { text, encoding } = decodeCsvText(bytes);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as unknown as typeof rows;
  } catch (err) {
    throw new CsvFileError((err as Error).message);
  }
  if (rows.length === 0) throw new CsvFileError('the file is empty: an export starts with a header row');
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

/**
 * One CSV record (all strings) as a plain row of `columns` to validate: cells trimmed, empty
 * ones dropped, each read by `read` (e.g. a number).
 */
export function rowFromCsvRecord(
  record: Readonly<Record<string, string | undefined>>,
  columns: readonly string[],
  read: (column: string, cell: string) => unknown = (_column, cell) => cell,
): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const column of columns) {
    const cell = record[column]?.trim();
    if (cell === undefined || cell === '') continue;
    plain[column] = read(column, cell);
  }
  return plain;
}
