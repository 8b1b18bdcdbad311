import fc from 'fast-check';
import * as iconv from 'iconv-lite';
import { fuzzRuns, fuzzTimeout, NASTY_STRINGS, prototypePollution } from '../../../test/support/fuzz';
import { CsvFileError } from './case-csv';
import { CASE_COLUMNS, caseFromCsvRecord, parseCaseCsv } from './case-row';

const cell = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS, '2026-11-24T09:00:00+08:00', 'W01', 'completed', '5', '营业执照', '"', '""', ',', '\r\n'),
  fc.string(),
  fc.string({ unit: 'binary' }),
);
const column = fc.oneof(fc.constantFrom(...CASE_COLUMNS, '__proto__', 'constructor', 'prototype'), fc.string());
const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV text shaped like a case export: a header (mostly the real columns) and hostile cells. */
const csvText = fc
  .tuple(
    fc.oneof(fc.constant([...CASE_COLUMNS] as string[]), fc.array(column, { minLength: 1, maxLength: 14 })),
    fc.array(fc.array(cell, { maxLength: 14 }), { maxLength: 6 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([header, rows, eol]) => [header, ...rows].map((r) => r.map(quote).join(',')).join(eol));
/** As bytes: UTF-8, UTF-8 with BOM, GBK, or no text at all. */
const csvBytes = fc.oneof(
  csvText.map((t) => Buffer.from(t)),
  csvText.map((t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t)])),
  csvText.map((t) => iconv.encode(t, 'gbk')),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
);

describe('fuzz: CSV case import, issue 11', () => {
  it(
    'reads a file or refuses it with CsvFileError; every record validates or says why; no prototype is touched',
    () => {
      let tried = 0;
      fc.assert(
        fc.property(csvBytes, (bytes) => {
          tried++;
          let records;
          try {
            records = parseCaseCsv(bytes).records;
          } catch (err) {
            if (!(err instanceof CsvFileError)) throw err;
            expect(err.message.length).toBeGreaterThan(0);
            return;
          }
          for (const { line, cells } of records) {
            expect(line).toBeGreaterThanOrEqual(2);
            const decoded = caseFromCsvRecord(cells);
            if (!decoded.ok) expect(typeof decoded.reason).toBe('string');
          }
          expect(prototypePollution()).toEqual([]);
        }),
        { numRuns: fuzzRuns(1500) },
      );
      process.stderr.write(`fuzz CSV import: ${tried} inputs tried\n`);
    },
    fuzzTimeout(7000),
  );
});
