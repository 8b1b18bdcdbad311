import { downloadName, heatCells, monthPeriod, periodShortcuts, pickerDate, waitingChart } from './stats-page';

describe('the statistics page', () => {
  it('offers whole months and the shortcuts 本月, 上月, 本年', () => {
    expect(monthPeriod('2024-02')).toEqual(['2024-02-01', '2024-02-29']);
    expect(monthPeriod('2023-12')).toEqual(['2023-12-01', '2023-12-31']);
    expect(periodShortcuts('2024-03-15')).toEqual({
      thisMonth: ['2024-03-01', '2024-03-15'],
      lastMonth: ['2024-02-01', '2024-02-29'],
      thisYear: ['2024-01-01', '2024-03-15'],
    });
    expect(periodShortcuts('2024-01-05').lastMonth).toEqual(['2023-12-01', '2023-12-31']);
    const d = pickerDate('2024-03-01');
    expect([d.getFullYear(), d.getMonth(), d.getDate()]).toEqual([2024, 2, 1]);
  });

  it('counts confirmed and undecided absences in the heat map, not dismissed or excused ones', () => {
    // 2024-03-04 is a Monday; 01:30Z is 09:30 in Shanghai.
    const at = (status: string, openedAt = '2024-03-04T01:30:00Z') => ({ status, openedAt }) as Parameters<typeof heatCells>[0][number];
    const cells = heatCells(
      [at('open'), at('closed'), at('confirmed'), at('appealed'), at('dismissed'), at('excused'), at('confirmed', '2024-03-05T06:10:00Z')],
      'Asia/Shanghai',
    );
    expect(cells).toEqual([
      [9, 0, 4],
      [14, 1, 1],
    ]);
  });

  it('names a download by its UTF-8 file name, else its ASCII one', () => {
    const header = `attachment; filename="evaluation-window-2024-03-01-2024-03-31.xlsx"; filename*=UTF-8''%E6%95%88%E8%83%BD%E8%80%83%E6%A0%B8.xlsx`;
    expect(downloadName(header, 'x')).toBe('效能考核.xlsx');
    expect(downloadName('attachment; filename="a.csv"', 'x')).toBe('a.csv');
    expect(downloadName(null, 'evaluation.csv')).toBe('evaluation.csv');
  });
});

describe('waitingChart', () => {
  const labels = { mean: 'mean', peak: 'peak' };
  const hour = (h: number, mean: number | null, peak: number | null) => ({
    hallId: 'H1',
    hour: `2024-03-04T0${h}:00:00.000Z`,
    meanWaiting: mean,
    peakWaiting: peak,
    knownMinutes: mean === null ? 0 : 60,
  });

  it('draws each hall mean and peak per hour, an hour never known as a gap', () => {
    const option = waitingChart([hour(1, 2, 3), hour(2, null, null)], (id) => `hall ${id}`, labels)!;
    expect(option.series.map((s) => s.name)).toEqual(['hall H1 mean', 'hall H1 peak']);
    expect(option.series[0].data).toEqual([
      ['2024-03-04T01:00:00.000Z', 2],
      ['2024-03-04T02:00:00.000Z', null],
    ]);
  });

  it('has no chart when no hour was known', () => {
    expect(waitingChart([hour(1, null, null)], (id) => id, labels)).toBeNull();
  });
});
