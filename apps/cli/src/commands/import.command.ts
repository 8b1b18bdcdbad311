import * as fs from 'node:fs';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import type { CaseImportResult } from '@hallwatch/contracts';

const BATCH = 500;

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
      const { caseFromCsvRecord, missingCaseColumns } = await import('@hallwatch/stats');
      let records: Record<string, string>[];
      try {
        records = parse(fs.readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
      } catch (err) {
        throw new Error(`import cases: cannot read ${file}: ${(err as Error).message}`);
      }
      const missing = missingCaseColumns(records.length ? Object.keys(records[0]) : []);
      if (missing.length > 0) throw new Error(`import cases: ${file} lacks the column(s) ${missing.join(', ')}`);

      const { withReporting } = await import('../../../reporting/src/in-process');
      const { CasesService } = await import('../../../reporting/src/services/cases.service');
      let accepted = 0;
      const rejected: string[] = [];
      await withReporting(async (app) => {
        const cases = app.get(CasesService);
        progress(0, records.length);
        for (let start = 0; start < records.length; start += BATCH) {
          const batch = records.slice(start, start + BATCH);
          const rows: unknown[] = [];
          batch.forEach((record, i) => {
            const decoded = caseFromCsvRecord(record);
            // Line numbers as a spreadsheet shows them: the header is line 1.
            if (!decoded.ok) rejected.push(`line ${start + i + 2}${record.caseId ? ` (${record.caseId})` : ''}: ${decoded.reason}`);
            else rows.push(decoded.value);
          });
          const result: CaseImportResult = await cases.importBatch(rows);
          accepted += result.accepted;
          progress(Math.min(start + BATCH, records.length), records.length);
        }
        process.stderr.write('\n');
      });
      for (const line of rejected) console.log(`rejected ${line}`);
      console.log(`imported ${file}: ${accepted} accepted, ${rejected.length} rejected`);
    });
}
