import * as fs from 'node:fs';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import type { CaseImportResult } from '@hallwatch/contracts';

const BATCH = 2000;

function progress(done: number, total: number): void {
  const width = 30;
  const filled = total ? Math.round((done / total) * width) : width;
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} rows`);
}

/**
 * `hallwatch import cases FILE.csv`: every row is stored or reported with its reason; nothing is
 * dropped silently. Exit 1 only when the file cannot be read as a case export (missing file,
 * broken CSV, required columns missing); rejected rows are reported but exit 0.
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('import data exported from the hall\'s systems')
    .command('cases')
    .argument('<file>', 'CSV with a header row: caseId, windowId, staffId?, serviceItem, takenAt, calledAt, startedAt, finishedAt, deadline, status, satisfaction?')
    .description('import cases (re-importing the same cases changes nothing)')
    .action(async (file: string) => {
      const { caseRowFromCsvRecord, missingCaseColumns } = await import('@hallwatch/stats');
      let records: Record<string, string>[];
      try {
        records = parse(fs.readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
      } catch (err) {
        throw new Error(`import cases: cannot read ${file}: ${(err as Error).message}`);
      }
      const missing = missingCaseColumns(records.length ? Object.keys(records[0]) : []);
      if (missing.length > 0) throw new Error(`import cases: ${file} lacks the column(s) ${missing.join(', ')}`);

      const { withReporting } = await import('../../../reporting/src/in-process');
      let accepted = 0;
      const rejected: { line: number; text: string }[] = [];
      const reject = (line: number, caseId: string | undefined, reason: string) => rejected.push({ line, text: `line ${line}${caseId ? ` (${caseId})` : ''}: ${reason}` });
      // Line numbers as a spreadsheet shows them: the header is line 1. A later row with the
      // caseId of an earlier one is refused, not a silent replacement. Reporting validates rows.
      const firstLine = new Map<string, number>();
      const rows: { line: number; row: Record<string, unknown>; key: string }[] = [];
      records.forEach((record, i) => {
        const line = i + 2;
        const row = caseRowFromCsvRecord(record);
        const caseId = typeof row.caseId === 'string' ? row.caseId : undefined;
        const first = caseId === undefined ? undefined : firstLine.get(caseId);
        if (first !== undefined) return reject(line, caseId, `caseId "${caseId}" is also on line ${first}`);
        if (caseId !== undefined) firstLine.set(caseId, line);
        rows.push({ line, row, key: `${String(row.windowId)}|${String(row.takenAt)}` });
      });
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
