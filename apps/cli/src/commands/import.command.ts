import * as fs from 'node:fs';
import { Command } from 'commander';
import type { CaseImportResult } from '@hallwatch/contracts';
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
      let accepted = 0;
      const rejected: { line: number; text: string }[] = [];
      const reject = (line: number, caseId: string | undefined, reason: string) =>
        rejected.push({ line, text: `line ${line}${caseId ? ` (${caseId.slice(0, 200)})` : ''}: ${reason}` });
      /** Line of each caseId's first row: a later row with the same caseId is refused, not a silent replacement. */
      const firstLine = new Map<string, number>();
      await withReporting(async (reporting) => {
        progress(0, records.length);
        for (let start = 0; start < records.length; start += BATCH) {
          const batch = records.slice(start, start + BATCH);
          const rows: unknown[] = [];
          const lines: number[] = [];
          for (const { line, cells } of batch) {
            const decoded = caseFromCsvRecord(cells);
            const first = decoded.ok ? firstLine.get(decoded.value.caseId) : undefined;
            if (!decoded.ok) reject(line, cells.caseId, decoded.reason);
            else if (first !== undefined) reject(line, cells.caseId, `caseId "${decoded.value.caseId}" is also on line ${first}`);
            else {
              firstLine.set(decoded.value.caseId, line);
              rows.push(decoded.value);
              lines.push(line);
            }
          }
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
