import * as fs from 'node:fs';
import { Command } from 'commander';
import type { CaseImportResult } from '@hallwatch/contracts';
import { SERVICE_CONTEXT, type ServiceContext } from '@hallwatch/runtime';
import type { CaseCsvRecord } from '@hallwatch/stats';

const BATCH = 500;

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
    .description('import data exported from the hall\'s systems')
    .command('cases')
    .argument('<file>', 'CSV with a header row: caseId, windowId, staffId?, serviceItem, takenAt, calledAt, startedAt, finishedAt, deadline, status, satisfaction?')
    .description('import cases (re-importing the same cases changes nothing)')
    .action(async (file: string) => {
      const { caseFromCsvRecord, CsvFileError, parseCaseCsv } = await import('@hallwatch/stats');
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch (err) {
        throw new Error(`import cases: cannot read ${file}: ${(err as Error).message}`);
      }
      let records: CaseCsvRecord[];
      try {
        records = parseCaseCsv(bytes).records;
      } catch (err) {
        if (err instanceof CsvFileError) throw new Error(`import cases: ${file}: ${err.message}`);
        throw err;
      }
      if (records.length === 0) {
        console.log(`imported ${file}: 0 rows`);
        return;
      }

      const { withReporting } = await import('../../../reporting/src/in-process');
      const { CasesService } = await import('../../../reporting/src/services/cases.service');
      let accepted = 0;
      const rejected: string[] = [];
      await withReporting(async (app) => {
        const cases = app.get(CasesService);
        const windows = new Set(app.get<ServiceContext>(SERVICE_CONTEXT).site.windows.map((w) => w.id));
        progress(0, records.length);
        for (let start = 0; start < records.length; start += BATCH) {
          const batch = records.slice(start, start + BATCH);
          const rows: unknown[] = [];
          for (const { line, cells } of batch) {
            const decoded = caseFromCsvRecord(cells);
            const label = `line ${line}${cells.caseId ? ` (${cells.caseId.slice(0, 200)})` : ''}`;
            if (!decoded.ok) rejected.push(`${label}: ${decoded.reason}`);
            else if (!windows.has(decoded.value.windowId)) rejected.push(`${label}: windowId: no window "${decoded.value.windowId}" in the site file`);
            else rows.push(decoded.value);
          }
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
