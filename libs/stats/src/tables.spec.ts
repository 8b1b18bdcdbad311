import 'reflect-metadata';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import { dayRange, datesBetween, localDate } from './calendar';
import { caseFromCsvRecord, missingCaseColumns } from './case-row';
import { addDuration, bucketOf, histogramQuantile } from './histogram';
import { median, quantile } from './quantile';
import { ATTENDANCE_COLUMNS, GROUP_COLUMNS, reportColumns, weightsText, type StatsTable } from '@hallwatch/contracts';
import { statsFileName, toCsv, toXlsx } from './table';

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

describe('tables as documents', () => {
  const names = { halls: { h1: 'H "1", east', H2: '北区大厅' }, windows: {} };
  const period = { from: '2024-03-01', to: '2024-03-31' };

  it("writes CSV with the console's labels, names for ids, shares as %, quoting, and empty cells for missing figures", () => {
    const table: StatsTable = {
      groupBy: 'hall',
      ...period,
      columns: [GROUP_COLUMNS.hall, ATTENDANCE_COLUMNS.find((c) => c.key === 'attendanceRate')!],
      rows: [
        { hall: 'h1', attendanceRate: 0.5 },
        { hall: 'H3', attendanceRate: null },
      ],
    };
    expect(toCsv(table, names)).toBe('\uFEFF大厅,出勤率\r\n"H ""1"", east",50.0%\r\nH3,\r\n');
  });

  it('writes an XLSX as people read it: title with period and generation time, weights once, % formats, frozen header with a filter', async () => {
    const weights = {
      weightAttendance: 40,
      weightOnTime: 20,
      weightSatisfaction: 20,
      weightThroughput: 20,
      throughputTarget: 4,
      deductionPerAbsenceIncident: 2,
      deductionPerVerifiedComplaint: 5,
      deductionPerQueueMismatch: 2,
    };
    const columns = reportColumns('evaluation', 'staff');
    const table: StatsTable = {
      groupBy: 'staff',
      ...period,
      columns,
      rows: [
        { staff: 'S1', ...weights, attendanceRate: 0.9524, score: 62.45, coverage: 0.0476, rankHall: 'H2', rankInHall: 1 },
        { staff: 'unassigned', ...weights, attendanceRate: null, score: null, coverage: 0 },
      ],
    };
    const generatedAt = Date.parse('2024-04-02T02:15:00Z'); // 10:15 in Shanghai
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(
      (await toXlsx({ report: 'evaluation', table, names, timeZone: 'Asia/Shanghai', generatedAt })) as unknown as ArrayBuffer,
    );
    const ws = book.getWorksheet('效能考核')!;
    expect(ws.getCell('A1').value).toBe('效能考核（按人员） 2024-03-01 至 2024-03-31 · 生成于 2024-04-02 10:15（Asia/Shanghai）');
    expect(ws.getCell('A2').value).toBe(weightsText(weights, 'zh'));
    expect(ws.getCell('A3').value).toMatch(/^覆盖率 = 已判断时长 ÷ 应在岗时长；低于80%/);
    expect(ws.getRow(4).values).toEqual([undefined, ...columns.map((c) => c.zh)]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect(ws.autoFilter).toBe(`A4:${ws.getColumn(columns.length).letter}4`);

    const cell = (row: number, key: string) => ws.getRow(row).getCell(columns.findIndex((c) => c.key === key) + 1);
    expect([cell(5, 'staff').value, cell(6, 'staff').value]).toEqual(['S1', '未排班']);
    expect([cell(5, 'attendanceRate').value, cell(5, 'attendanceRate').numFmt]).toEqual([0.9524, '0.0%']);
    expect([cell(5, 'coverage').value, cell(5, 'coverage').numFmt]).toEqual([0.0476, '0.0%']);
    expect([cell(5, 'score').value, cell(5, 'score').numFmt]).toEqual([62.45, '0.00']);
    expect(cell(5, 'rankHall').value).toBe('北区大厅');
    expect(cell(5, 'coverageWarning').value).toBe('已判断时长不足80%，得分仅供参考');
    expect(cell(5, 'coverageWarning').fill).toMatchObject({ pattern: 'solid' });
    // No score, nothing to warn about; a figure there was nothing to compute from stays an empty cell.
    expect([cell(6, 'coverageWarning').value, cell(6, 'attendanceRate').value, cell(6, 'score').value]).toEqual([null, null, null]);
    expect(ws.rowCount).toBe(6);
  });

  it('names files in Chinese, with an ASCII name beside', () => {
    const table: StatsTable = { groupBy: 'window', ...period, columns: [], rows: [] };
    expect(statsFileName('evaluation', table, 'xlsx')).toEqual({
      name: '效能考核_按窗口_2024-03-01至2024-03-31.xlsx',
      ascii: 'evaluation-window-2024-03-01-2024-03-31.xlsx',
    });
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
