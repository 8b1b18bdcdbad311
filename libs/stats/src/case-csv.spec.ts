import * as iconv from 'iconv-lite';
import { caseFromCsvRecord } from './case-row';
import { type CaseCsvRecord, CsvFileError, decodeCsvText, exportRows, parseCaseCsv } from './case-csv';

const HEADER = 'caseId,windowId,staffId,serviceItem,takenAt,calledAt,startedAt,finishedAt,deadline,status,satisfaction';
const ROW =
  'c1,W01,S1,企业开办一件事,2026-11-24T09:00:00+08:00,2026-11-24T09:05:00+08:00,2026-11-24T09:05:00+08:00,2026-11-24T09:15:00+08:00,2026-11-24T10:00:00+08:00,completed,5';
const TEXT = `${HEADER}\r\n${ROW}\r\n`;

describe('case CSV encodings (issue 11, item 10)', () => {
  it('reads UTF-8 with and without a BOM', () => {
    for (const bytes of [Buffer.from(TEXT), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])]) {
      const { encoding, records } = parseCaseCsv(bytes);
      expect(encoding).toBe('utf-8');
      expect(records).toHaveLength(1);
      expect(records[0].cells.serviceItem).toBe('企业开办一件事');
    }
  });

  it('reads GBK / GB18030 as Excel and queue systems export it, without mojibake', () => {
    const gbk = iconv.encode(TEXT, 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow(); // really not UTF-8
    const { encoding, records } = parseCaseCsv(gbk);
    expect(encoding).toBe('gb18030');
    expect(records[0].cells.serviceItem).toBe('企业开办一件事');
    expect(caseFromCsvRecord(records[0].cells).ok).toBe(true);
  });

  it('refuses bytes that are neither, naming the line', () => {
    const bad = Buffer.concat([Buffer.from(`${HEADER}\n${ROW}\n`), Buffer.from([0x63, 0x32, 0x2c, 0xff, 0xff, 0x0a])]);
    expect(() => decodeCsvText(bad)).toThrow(CsvFileError);
    expect(() => decodeCsvText(bad)).toThrow(/^line 3: bytes that are neither UTF-8 nor GB18030/);
    expect(() => decodeCsvText(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0a, 0xc3, 0x28]))).toThrow(/^line 2: .*not UTF-8/);
    expect(() => decodeCsvText(Buffer.from('a\nb\u0000'))).toThrow(/^line 2: a NUL byte/);
    expect(() => decodeCsvText(Buffer.from([0xff, 0xfe, 0x61, 0x00]))).toThrow(/UTF-16/);
  });
});

describe('case CSV shape', () => {
  it('gives no records for a file with only its header (issue 11, item 10)', () => {
    expect(parseCaseCsv(Buffer.from(`${HEADER}\r\n`)).records).toEqual([]);
  });

  it('refuses an empty file, a missing column and a column given twice', () => {
    expect(() => parseCaseCsv(Buffer.from(''))).toThrow(/empty/);
    expect(() => parseCaseCsv(Buffer.from('caseId,windowId\n'))).toThrow(/line 1: the column\(s\) serviceItem, takenAt/);
    expect(() => parseCaseCsv(Buffer.from(`${HEADER},caseId\n`))).toThrow(/"caseId" appears twice/);
  });

  it('numbers records by the line they start on, past empty lines and quoted line breaks', () => {
    const text = `${HEADER}\n\n${ROW}\n"c2\nx",W01\nc3,W01\n`;
    expect(parseCaseCsv(Buffer.from(text)).records.map((r) => r.line)).toEqual([3, 4, 6]);
  });

  it('keeps a "__proto__" header from reaching any prototype', () => {
    const { records } = parseCaseCsv(Buffer.from(`${HEADER},__proto__,constructor\n${ROW},"{""polluted"":1}",x\n`));
    expect(Object.getPrototypeOf(records[0].cells)).toBeNull();
    expect(records[0].cells.__proto__).toBe('{"polluted":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('exportRows', () => {
  it('refuses a later row with the id of an earlier one and keeps the file order', () => {
    const records: CaseCsvRecord[] = [
      { line: 2, cells: { id: 'a', x: '1' } },
      { line: 3, cells: { id: 'b', x: '2' } },
      { line: 5, cells: { id: 'a', x: '3' } },
      { line: 6, cells: { x: '4' } },
    ];
    const { rows, refused } = exportRows(records, 'id', (cells) => ({ ...cells }));
    expect(rows.map((r) => r.line)).toEqual([2, 3, 6]);
    expect(refused).toEqual([{ line: 5, id: 'a', reason: 'id "a" is also on line 2' }]);
  });
});
