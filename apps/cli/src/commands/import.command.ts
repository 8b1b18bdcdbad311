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
      let accepted = 0;
      const rejected: { line: number; text: string }[] = [];
      const reject = (line: number, caseId: string | undefined, reason: string) => rejected.push({ line, text: `line ${line}${caseId ? ` (${caseId})` : ''}: ${reason}` });
      /** Line of each caseId's first row: a later row with the same caseId is refused, not a silent replacement. */
      const firstLine = new Map<string, number>();
      await withReporting(async (reporting) => {
        progress(0, records.length);
        for (let start = 0; start < records.length; start += BATCH) {
          const batch = records.slice(start, start + BATCH);
          const rows: unknown[] = [];
          const lines: number[] = [];
          batch.forEach((record, i) => {
            // Line numbers as a spreadsheet shows them: the header is line 1.
            const line = start + i + 2;
            const decoded = caseFromCsvRecord(record);
            const first = decoded.ok ? firstLine.get(decoded.value.caseId) : undefined;
            if (!decoded.ok) reject(line, record.caseId, decoded.reason);
            else if (first !== undefined) reject(line, record.caseId, `caseId "${decoded.value.caseId}" is also on line ${first}`);
            else {
              firstLine.set(decoded.value.caseId, line);
              rows.push(decoded.value);
              lines.push(line);
            }
          });
          const result: CaseImportResult = await reporting.importCases(rows);
          accepted += result.accepted;
          for (const r of result.results) if (!r.accepted) reject(lines[r.row], r.caseId, r.reason ?? 'refused');
          progress(Math.min(start + BATCH, records.length), records.length);
        }
        process.stderr.write('\n');
      });
      rejected.sort((a, b) => a.line - b.line);
      for (const r of rejected) console.log(`rejected ${r.text}`);
      console.log(`imported ${file}: ${accepted} accepted, ${rejected.length} rejected`);
    });
}
