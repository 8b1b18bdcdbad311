import { formatDuration, formatTime, fromLocalTime, localWeekdayHour, startOfLocalDay } from './format';

describe('console time helpers (site time zone, whatever the browser says)', () => {
  it('finds where a local day begins, across daylight-saving changes', () => {
    expect(startOfLocalDay('2024-03-10', 'Asia/Shanghai')).toBe('2024-03-09T16:00:00.000Z');
    expect(startOfLocalDay('2024-03-10', 'America/New_York')).toBe('2024-03-10T05:00:00.000Z');
    expect(startOfLocalDay('2024-03-11', 'America/New_York')).toBe('2024-03-11T04:00:00.000Z');
    expect(startOfLocalDay('2024-11-03', 'America/New_York')).toBe('2024-11-03T04:00:00.000Z');
    expect(startOfLocalDay('2024-06-01', 'UTC')).toBe('2024-06-01T00:00:00.000Z');
  });

  it('reads a local date and time in the site time zone', () => {
    expect(fromLocalTime('2026-12-01T09:30', 'Asia/Shanghai')).toBe('2026-12-01T01:30:00.000Z');
    expect(fromLocalTime('2024-03-10T03:15', 'America/New_York')).toBe('2024-03-10T07:15:00.000Z');
    expect(fromLocalTime('2026-12-01T00:00:30', 'UTC')).toBe('2026-12-01T00:00:30.000Z');
  });

  it('bins an instant by local weekday (Monday = 0) and hour', () => {
    expect(localWeekdayHour('2024-03-10T16:30:00Z', 'Asia/Shanghai')).toEqual([0, 0]);
    expect(localWeekdayHour('2024-03-10T15:59:00Z', 'Asia/Shanghai')).toEqual([6, 23]);
  });

  it('shows times in the site time zone and durations in the chosen language', () => {
    expect(formatTime('2024-03-10T16:30:05Z', 'Asia/Shanghai')).toBe('2024/03/11 00:30:05');
    expect(formatTime(null, 'Asia/Shanghai')).toBe('—');
    expect(formatDuration(3_900_000, 'zh-CN')).toBe('1小时05分');
    expect(formatDuration(200_000, 'zh-CN')).toBe('3分20秒');
    expect(formatDuration(12_000, 'en')).toBe('12 s');
    expect(formatDuration(-5, 'en')).toBe('0 s');
  });
});
