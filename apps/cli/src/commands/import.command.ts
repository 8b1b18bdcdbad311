import * as fs from 'node:fs';
import { Command } from 'commander';
import type { CaseCsvRecord } from '@hallwatch/stats';
import type { ReportingApi } from '../../../reporting/src/in-process';

/** Rows handed to reporting at once, one chunk of its writes (bench:import: 21-23 s, against 32 s with 2000). */
const BATCH = 10000;

function progress(done: number, total: number): void {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} rows`);
}

/** What `hallwatch import <noun>` needs to know of one kind of export. */
interface ImportKind {
  noun: 'cases' | 'leaves' | 'complaints';
  /** The field naming a row (caseId, id): a later row with the same one is refused. */
  idKey: string;
  parse(bytes: Buffer): { records: CaseCsvRecord[] };
  rowOf(cells: Record<string, string>): Record<string, unknown>;
  /** Order rows are sent in (cases by window and time, so a batch updates few rollups). */
  sortKey(row: Record<string, unknown>): string;
  send(
    reporting: ReportingApi,
    rows: Record<string, unknown>[],
  ): Promise<{ accepted: number; results: { row: number; accepted: boolean; reason?: string; warning?: string }[] }>;
}

/**
 * `hallwatch import cases|leaves|complaints FILE.csv`: every row is stored or reported with its reason; nothing is
 * dropped silently. The file may be UTF-8 (with or without BOM) or GB18030/GBK. Exit 1 only when
 * the file cannot be read as such an export (missing file, other encodings, broken CSV, required
 * columns missing); rejected rows are reported but exit 0. A file with only its header: "0 rows".
 */
export function registerImportCommand(program: Command): void {
  const command = program.command('import').description("import data exported from the hall's systems");
  command
    .command('cases')
    .argument(
      '<file>',
      'CSV with a header row: caseId, windowId, staffId?, serviceItem, takenAt, calledAt, startedAt, finishedAt, deadline, status, satisfaction?',
    )
    .description('import cases (re-importing the same cases changes nothing)')
    .action(async (file: string) => {
      const { caseRowFromCsvRecord, parseCaseCsv } = await import('@hallwatch/stats');
      await importFile(file, {
        noun: 'cases',
        idKey: 'caseId',
        parse: parseCaseCsv,
        rowOf: caseRowFromCsvRecord,
        sortKey: (row) => `${String(row.windowId)}|${String(row.takenAt)}`,
        send: (reporting, rows) => reporting.importCases(rows),
      });
    });
  command
    .command('leaves')
    .argument('<file>', 'CSV with a header row: id, staffId, kind (leave|official-duty|shift-swap), from, to, reason, replacementStaffId?')
    .requiredOption('--approved-by <user>', 'the admin (a user of the site file) who approves every leave of the file')
    .description('import leaves and duty changes, approved by an admin (re-importing the same leaves changes nothing)')
    .action(async (file: string, options: { approvedBy: string }) => {
      const { leaveRowFromCsvRecord, parseLeaveCsv } = await import('@hallwatch/stats');
      const { loadSite, readEnv } = await import('@hallwatch/config');
      const user = loadSite(readEnv().sitePath).users.find((u) => u.username === options.approvedBy);
      if (user?.role !== 'admin')
        throw new Error(`import leaves: --approved-by ${options.approvedBy}: no admin of that name in the site file's users`);
      await importFile(file, {
        noun: 'leaves',
        idKey: 'id',
        parse: parseLeaveCsv,
        rowOf: leaveRowFromCsvRecord,
        sortKey: (row) => String(row.from),
        send: (reporting, rows) => reporting.importLeaves(rows, user.username),
      });
    });
  command
    .command('complaints')
    .argument(
      '<file>',
      'CSV with a header row: id, receivedAt, channel, windowId?, staffId?, caseId?, category, verified (true, false or pending), outcome?',
    )
    .description('import complaints (re-importing the same complaints changes nothing)')
    .action(async (file: string) => {
      const { complaintRowFromCsvRecord, parseComplaintCsv } = await import('@hallwatch/stats');
      await importFile(file, {
        noun: 'complaints',
        idKey: 'id',
        parse: parseComplaintCsv,
        rowOf: complaintRowFromCsvRecord,
        sortKey: (row) => String(row.receivedAt),
        send: (reporting, rows) => reporting.importComplaints(rows),
      });
    });
}

async function importFile(file: string, kind: ImportKind): Promise<void> {
  const { CsvFileError, exportRows } = await import('@hallwatch/stats');
  const what = `import ${kind.noun}`;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${what}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let records: CaseCsvRecord[];
  try {
    records = kind.parse(bytes).records;
  } catch (err) {
    if (err instanceof CsvFileError) throw new Error(`${what}: ${file}: ${err.message}`, { cause: err });
    throw err;
  }
  if (records.length === 0) {
    console.log(`imported ${file}: 0 rows`);
    return;
  }

  const { withReporting } = await import('../../../reporting/src/in-process');
  let accepted = 0;
  const rejected: { line: number; text: string }[] = [];
  const warnings = new Set<string>();
  const reject = (line: number, id: unknown, reason: string) =>
    rejected.push({ line, text: `line ${line}${typeof id === 'string' && id ? ` (${id.slice(0, 200)})` : ''}: ${reason}` });
  const exported = exportRows(records, kind.idKey, kind.rowOf);
  for (const r of exported.refused) reject(r.line, r.id, r.reason);
  const rows = exported.rows.map(({ line, row }) => ({ line, row, key: kind.sortKey(row) }));
  rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line));
  const batches = Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, k) => rows.slice(k * BATCH, (k + 1) * BATCH));
  await withReporting(async (reporting) => {
    let done = records.length - rows.length;
    progress(done, records.length);
    // Two batches in flight: one is validated while the other is written (writes keep their order).
    const importBatch = async (batch: typeof rows) => {
      const result = await kind.send(
        reporting,
        batch.map((b) => b.row),
      );
      accepted += result.accepted;
      for (const r of result.results) {
        if (!r.accepted) reject(batch[r.row].line, batch[r.row].row[kind.idKey], r.reason ?? 'refused');
        if (r.warning) warnings.add(r.warning);
      }
      done += batch.length;
      progress(done, records.length);
    };
    let inFlight: Promise<void> = Promise.resolve();
    for (const batch of batches) {
      const next = importBatch(batch);
      await inFlight;
      inFlight = next;
    }
    await inFlight;
    process.stderr.write('\n');
  });
  rejected.sort((a, b) => a.line - b.line);
  for (const r of rejected) console.log(`rejected ${r.text}`);
  for (const w of warnings) console.log(`warning: ${w}`);
  console.log(`imported ${file}: ${accepted} accepted, ${rejected.length} rejected`);
}
