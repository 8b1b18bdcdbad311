import * as fs from 'node:fs';
import { Command } from 'commander';
import type { CaseImportResult } from '@hallwatch/contracts';
import type { CaseCsvRecord } from '@hallwatch/stats';

/** Rows handed to reporting at once, one chunk of its writes (bench:import: 21-23 s, against 32 s with 2000). */
const BATCH = 10000;

function progress(done: number, total: number): void {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} rows`);
}

/**
 * `hallwatch import cases FILE.csv`: every row is stored or reported with its reason; nothing is
 * dropped silently. The file may be UTF-8 (with or without BOM) or GB18030/GBK. Exit 1 only when
 * the file cannot be read as a case export (missing file, other encodings, broken CSV, required
 * columns missing); rejected rows are reported but exit 0. A file with only its header: "0 rows".
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description("import data exported from the hall's systems")
    .command('cases')
    .argument(
      '<file>',
      'CSV with a header row: caseId, windowId, staffId?, serviceItem, takenAt, calledAt, startedAt, finishedAt, deadline, status, satisfaction?',
    )
    .description('import cases (re-importing the same cases changes nothing)')
    .action(async (file: string) => {
      const { caseRowFromCsvRecord, CsvFileError, parseCaseCsv } = await import('@hallwatch/stats');
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (err) {
        throw new Error(`import cases: cannot read ${file}: ${(err as Error).message}`, { cause: err });
      }
      let records: CaseCsvRecord[];
      try {
        records = parseCaseCsv(bytes).records;
      } catch (err) {
        if (err instanceof CsvFileError) throw new Error(`import cases: ${file}: ${err.message}`, { cause: err });
        throw err;
      }
      if (records.length === 0) {
        console.log(`imported ${file}: 0 rows`);
        return;
      }

      const { withReporting } = await import('../../../reporting/src/in-process');
      let accepted = 0;
      const rejected: { line: number; text: string }[] = [];
      const reject = (line: number, caseId: string | undefined, reason: string) =>
        rejected.push({ line, text: `line ${line}${caseId ? ` (${caseId.slice(0, 200)})` : ''}: ${reason}` });
      // A later row with the caseId of an earlier one is refused, not a silent replacement.
      // Reporting validates the rows.
      const firstLine = new Map<string, number>();
      const rows: { line: number; row: Record<string, unknown>; key: string }[] = [];
      for (const { line, cells } of records) {
        const row = caseRowFromCsvRecord(cells);
        const caseId = typeof row.caseId === 'string' ? row.caseId : undefined;
        const first = caseId === undefined ? undefined : firstLine.get(caseId);
        if (first !== undefined) {
          reject(line, caseId, `caseId "${caseId}" is also on line ${first}`);
          continue;
        }
        if (caseId !== undefined) firstLine.set(caseId, line);
        rows.push({ line, row, key: `${String(row.windowId)}|${String(row.takenAt)}` });
      }
      // By window and time, so each batch updates the rollups of few windows (fewer, larger writes).
      rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.line - b.line));
      const batches = Array.from({ length: Math.ceil(rows.length / BATCH) }, (_, k) => rows.slice(k * BATCH, (k + 1) * BATCH));
      await withReporting(async (reporting) => {
        let done = records.length - rows.length;
        progress(done, records.length);
        // Two batches in flight: one is validated while the other is written (writes keep their order).
        const importBatch = async (batch: typeof rows) => {
          const result: CaseImportResult = await reporting.importCases(batch.map((b) => b.row));
          accepted += result.accepted;
          for (const r of result.results) if (!r.accepted) reject(batch[r.row].line, r.caseId, r.reason ?? 'refused');
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
      console.log(`imported ${file}: ${accepted} accepted, ${rejected.length} rejected`);
    });
}
