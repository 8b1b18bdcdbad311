import 'reflect-metadata';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { dayRange, datesBetween, localDate } from './calendar';
import { caseFromCsvRecord, missingCaseColumns } from './case-row';
import { addDuration, bucketOf, histogramQuantile } from './histogram';
import { median, quantile } from './quantile';
import { ATTENDANCE_COLUMNS, GROUP_COLUMNS } from './report';
import { toCsv, toXlsx } from './table';

describe('quantiles', () => {
  it('interpolates between closest ranks', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBe(46); // rank 3.6: 40 + 0.6 × 10
    expect(median([])).toBeNull();
    expect(() => quantile([1], 1.5)).toThrow(/p = 1.5/);
  });

  it('histograms round to whole minutes below a day and whole hours beyond', () => {
    expect([bucketOf(29), bucketOf(31), bucketOf(-5), bucketOf(90_000)]).toEqual([0, 60, 0, 90_000]);
    expect(bucketOf(86_400 + 1799)).toBe(86_400);
  });

  it('a histogram quantile equals the exact quantile of whole-minute durations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (mins, p) => {
          const h = {};
          for (const m of mins) addDuration(h, m * 60);
          expect(histogramQuantile(h, p)).toBeCloseTo(
            quantile(
              mins.map((m) => m * 60),
              p,
            )!,
            6,
          );
        },
      ),
    );
  });
});

describe('case rows', () => {
  const good = {
    caseId: 'C-1',
    windowId: 'W1',
    staffId: '',
    serviceItem: '营业执照',
    takenAt: '2024-03-04T09:00:00+08:00',
    calledAt: '2024-03-04T09:05:00+08:00',
    startedAt: '2024-03-04T09:06:00+08:00',
    finishedAt: '2024-03-04T09:20:00+08:00',
    deadline: '2024-03-04T10:00:00+08:00',
    status: 'completed',
    satisfaction: ' 5 ',
  };

  it('accepts a good row, dropping empty optional cells and reading satisfaction as a number', () => {
    const r = caseFromCsvRecord(good);
    expect(r.ok).toBe(true);
    if (r.ok) expect([r.value.staffId, r.value.satisfaction]).toEqual([undefined, 5]);
  });

  it('names what is wrong with a bad row', () => {
    const r = caseFromCsvRecord({ ...good, calledAt: '2024-03-04T08:55:00+08:00', status: 'lost', satisfaction: '9' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/calledAt must not be before takenAt/);
      expect(r.reason).toMatch(/status/);
      expect(r.reason).toMatch(/satisfaction/);
    }
    const missing = caseFromCsvRecord({ ...good, deadline: '' });
    expect(!missing.ok && missing.reason).toMatch(/deadline/);
  });

  it('lists required columns missing from a header', () => {
    expect(missingCaseColumns(['caseId', 'windowId', 'serviceItem', 'takenAt', 'calledAt', 'startedAt', 'finishedAt', 'status'])).toEqual([
      'deadline',
    ]);
  });
});

describe('tables', () => {
  const columns = [GROUP_COLUMNS.hall, ATTENDANCE_COLUMNS[3]];
  const rows = [
    { hall: 'H "1", east', attendanceRate: 0.5 },
    { hall: 'H2', attendanceRate: null },
  ];

  it('writes CSV with bilingual headers, quoting and empty cells for missing figures', () => {
    expect(toCsv(columns, rows)).toBe('\uFEFF大厅 Hall,出勤率 Attendance rate\r\n"H ""1"", east",0.5\r\nH2,\r\n');
  });

  it('writes an XLSX sheet that reads back', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(columns, rows, 'attendance')) as unknown as ArrayBuffer);
    const ws = book.getWorksheet('attendance')!;
    expect(ws.getRow(1).values).toEqual([undefined, '大厅 Hall', '出勤率 Attendance rate']);
    expect(ws.getRow(2).values).toEqual([undefined, 'H "1", east', 0.5]);
  });
});

describe('calendar', () => {
  it('knows local days in a time zone', () => {
    expect(dayRange('Asia/Shanghai', '2024-03-04')).toEqual({
      start: Date.parse('2024-03-03T16:00:00Z'),
      end: Date.parse('2024-03-04T16:00:00Z'),
    });
    expect(localDate('Asia/Shanghai', Date.parse('2024-03-03T16:00:00Z'))).toBe('2024-03-04');
    expect(datesBetween('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });
});
