import {
  ATTENDANCE_COLUMNS,
  cellText,
  COVERAGE_WARNING_BELOW,
  EVALUATION_COLUMNS,
  formatPercent,
  lowCoverage,
  reportColumns,
  STATS_GROUP_BYS,
  STATS_REPORTS,
  statsNames,
  THROUGHPUT_COLUMNS,
  UNASSIGNED_GROUP,
  WEIGHT_COLUMNS,
  weightsText,
  type StatsColumn,
} from './stats-columns';

const names = statsNames({ halls: [{ id: 'h1', name: '区行政审批服务大厅' }], windows: [{ id: 'W01', name: '1号窗口' }] });
const byKey = (columns: StatsColumn[], key: string) => columns.find((c) => c.key === key)!;

describe('the statistics columns (one list for the console and the exports)', () => {
  it('start with the group, then the report, each key once', () => {
    for (const report of STATS_REPORTS)
      for (const by of STATS_GROUP_BYS) {
        const columns = reportColumns(report, by);
        expect(columns[0]).toMatchObject({ key: by, kind: 'group' });
        expect(new Set(columns.map((c) => c.key)).size).toBe(columns.length);
        for (const c of columns) expect([c.zh.length > 0, c.en.length > 0]).toEqual([true, true]);
      }
  });

  it('call one figure by one name in every table (the labels the issue found differing)', () => {
    for (const key of ['unexcusedAbsenceMinutes', 'excusedAbsenceMinutes', 'staffedHours', 'casesHandled', 'onTimeRate']) {
      const labels = new Set([ATTENDANCE_COLUMNS, THROUGHPUT_COLUMNS, EVALUATION_COLUMNS].map((l) => l.find((c) => c.key === key)?.zh));
      labels.delete(undefined);
      expect([key, labels.size]).toEqual([key, 1]);
    }
    expect(byKey(THROUGHPUT_COLUMNS, 'onTimeRate').zh).toBe('按时办结率');
    expect(byKey(EVALUATION_COLUMNS, 'unexcusedAbsenceMinutes').zh).toBe('未请假离岗时长(分钟)');
    // Not the same figure: the evaluation's rate leaves time on approved leave out.
    expect([byKey(ATTENDANCE_COLUMNS, 'attendanceRate').zh, byKey(EVALUATION_COLUMNS, 'attendanceRate').zh]).toEqual([
      '出勤率',
      '出勤率(不含请假)',
    ]);
  });

  it('show rates as percentages', () => {
    for (const key of ['attendanceRate', 'onTimeRate', 'lowSatisfactionShare', 'coverage'])
      expect(byKey([...ATTENDANCE_COLUMNS, ...EVALUATION_COLUMNS], key).kind).toBe('percent');
  });

  it('name the national 好差评 indicators as the issue does, as percentages', () => {
    const ratings = ['goodRatingRate', 'badRatingRate', 'unratedRate', 'badRatingRectifiedRate'].map((key) =>
      byKey(THROUGHPUT_COLUMNS, key),
    );
    expect(ratings.map((c) => [c.zh, c.kind])).toEqual([
      ['好评率', 'percent'],
      ['差评率', 'percent'],
      ['未评价率', 'percent'],
      ['差评整改率', 'percent'],
    ]);
  });

  it('keep the weights out of the evaluation table, with the score, its coverage and warning last', () => {
    const keys = EVALUATION_COLUMNS.map((c) => c.key);
    for (const w of WEIGHT_COLUMNS) expect(keys).not.toContain(w.key);
    expect(keys.slice(-3)).toEqual(['score', 'coverage', 'coverageWarning']);
  });
});

describe('cell text', () => {
  it('knows windows and halls by id from the site', () => {
    expect(names).toEqual({ halls: { h1: '区行政审批服务大厅' }, windows: { W01: '1号窗口' } });
  });

  it('writes shares as percentages with one decimal', () => {
    expect([0.5714, 1, 0, 0.9524, 0.0476, 0.0005, 0.00049].map(formatPercent)).toEqual([
      '57.1%',
      '100.0%',
      '0.0%',
      '95.2%',
      '4.8%',
      '0.1%',
      '0.0%',
    ]);
    const rate = byKey(ATTENDANCE_COLUMNS, 'attendanceRate');
    expect(cellText(rate, { attendanceRate: 0.5714 }, 'window', names, 'zh')).toBe('57.1%');
    expect(cellText(rate, { attendanceRate: null }, 'window', names, 'zh')).toBeNull();
  });

  it('names windows and halls, and nobody as 未排班 when grouped by staff', () => {
    const group = (by: (typeof STATS_GROUP_BYS)[number], key: string, lang: 'zh' | 'en' = 'zh') =>
      cellText(reportColumns('attendance', by)[0], { [by]: key }, by, names, lang);
    expect(group('window', 'W01')).toBe('1号窗口');
    expect(group('window', 'W99')).toBe('W99'); // no longer in the site file: its id
    expect(group('hall', 'h1')).toBe('区行政审批服务大厅');
    expect(group('township', 'h1')).toBe('区行政审批服务大厅');
    expect(group('staff', 'S001')).toBe('S001');
    expect(group('staff', UNASSIGNED_GROUP)).toBe('未排班');
    expect(group('staff', UNASSIGNED_GROUP, 'en')).toBe('Not rostered');
    expect(group('window', UNASSIGNED_GROUP)).toBe('未指定'); // a complaint without a window
    expect(cellText(byKey(EVALUATION_COLUMNS, 'rankHall'), { rankHall: 'h1' }, 'window', names, 'zh')).toBe('区行政审批服务大厅');
  });

  it('writes figures with two decimals and counts as they are', () => {
    expect(cellText(byKey(EVALUATION_COLUMNS, 'staffedHours'), { staffedHours: 6.667 }, 'window', names, 'zh')).toBe('6.67');
    expect(cellText(byKey(EVALUATION_COLUMNS, 'score'), { score: 100 }, 'window', names, 'zh')).toBe('100.00');
    expect(cellText(byKey(EVALUATION_COLUMNS, 'casesHandled'), { casesHandled: 3 }, 'window', names, 'zh')).toBe('3');
  });
});

describe('the coverage warning', () => {
  const warning = byKey(EVALUATION_COLUMNS, 'coverageWarning');

  it(`flags a score judged on less than ${COVERAGE_WARNING_BELOW * 100}% of the scheduled time`, () => {
    expect(COVERAGE_WARNING_BELOW).toBe(0.8);
    // The window: 0.09 staffed hours judged of 709.7 scheduled, scored 100.
    expect(lowCoverage({ score: 100, coverage: Math.round((0.09 / 709.7) * 10000) / 10000 })).toBe(true);
    expect(lowCoverage({ score: 100, coverage: 0.7999 })).toBe(true);
    expect(lowCoverage({ score: 100, coverage: 0.8 })).toBe(false);
    expect(lowCoverage({ score: 0, coverage: 1 })).toBe(false);
    // A score without scheduled time stands on nothing judged; no score needs no warning.
    expect(lowCoverage({ score: 50, coverage: null })).toBe(true);
    expect(lowCoverage({ score: null, coverage: 0 })).toBe(false);
    expect(cellText(warning, { score: 100, coverage: 0.5 }, 'window', names, 'zh')).toBe('已判断时长不足80%，得分仅供参考');
    expect(cellText(warning, { score: 100, coverage: 0.9 }, 'window', names, 'zh')).toBeNull();
  });
});

describe('the weights line', () => {
  it('names each weight once, in the order of the site key', () => {
    const row = {
      weightAttendance: 40,
      weightOnTime: 20,
      weightSatisfaction: 20,
      weightThroughput: 20,
      throughputTarget: 4,
      deductionPerAbsenceIncident: 2,
      deductionPerVerifiedComplaint: 5,
      deductionPerQueueMismatch: 2,
    };
    expect(weightsText(row, 'zh')).toBe(
      '权重与扣分：出勤率 40 · 按时办结 20 · 满意度 20 · 办件效率 20 · 满分办件效率(件/小时) 4 · 每起离岗扣分 2 · 每件属实投诉扣分 5 · 每起叫号空岗扣分 2',
    );
    expect(weightsText(row, 'en')).toMatch(/^Weights and deductions: attendance 40 · on time 20 · /);
  });
});
