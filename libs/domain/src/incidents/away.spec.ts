import { HallMonitor } from '../hall-monitor/hall-monitor';
import { totalDuration } from '../intervals/intervals';
import { HallConfig, WindowConfig } from '../model';
import { ScheduleSpec } from '../schedule/schedule';
import { AwayDeclaration, awayRefusal, declaredAbsence } from './away';
import { DEFAULT_RULES } from './incident';

const t = (time: string) => Date.parse(`2024-10-08T${time}+08:00`); // a Tuesday
const S = 10_000;
const MIN = 60_000;
const schedule: ScheduleSpec = { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'], open: ['09:00-12:00', '13:30-17:30'] };
const win: WindowConfig = { id: 'w1', hallId: 'h1', cameraId: 'c1', schedule, sampleEveryMs: S };
const hall: HallConfig = { id: 'h1', minStaffedWindows: 0, schedule };
const away = (from: string, minutes: number, windowId = 'w1'): AwayDeclaration => ({
  windowId,
  from: t(from),
  to: t(from) + minutes * MIN,
});

/** Staffed from 08:59 until 10:00, empty from 10:00 to `until` (frames every 10 s, confirmed after 20 s). */
function emptyFromTen(m: HallMonitor, until: string) {
  const incidents = [];
  for (let at = t('08:59:00'); at <= t(until); at += S)
    incidents.push(...m.observe('w1', { at, persons: at < t('10:00:00') ? 1 : 0, confidence: 0.9, judgeable: true }).incidents);
  return incidents;
}

describe('暂离: a declared absence (absence after 10 min)', () => {
  it('an absence inside its declaration opens no incident', () => {
    const m = new HallMonitor({ hall, windows: [win] });
    m.away(away('09:59:00', 15));
    expect(emptyFromTen(m, '10:13:50')).toEqual([]);
  });

  it('past its declaration the absence counts from the declaration’s end, not from when the seat emptied', () => {
    const m = new HallMonitor({ hall, windows: [win] });
    m.away(away('10:02:00', 15)); // until 10:17
    const incidents = emptyFromTen(m, '10:40:00');
    // Undeclared, an absence from 10:00 would open at 10:10; here it opens 10 min after 10:17.
    expect(incidents.map((e) => [e.type, e.incident.kind, e.incident.openedAt, e.incident.detectedAt])).toEqual([
      ['opened', 'absence', t('10:17:00'), t('10:27:00')],
    ]);
  });

  it('without a declaration the same absence opens from when the seat emptied', () => {
    const undeclared = new HallMonitor({ hall, windows: [win] });
    expect(emptyFromTen(undeclared, '10:40:00').map((e) => e.incident.openedAt)).toEqual([t('10:00:00')]);
  });

  it('a declaration that ended before the seat emptied changes nothing', () => {
    const m = new HallMonitor({ hall, windows: [win] });
    m.away(away('09:30:00', 15));
    expect(emptyFromTen(m, '10:20:00').map((e) => e.incident.openedAt)).toEqual([t('10:00:00')]);
  });

  it('an incident already open when the declaration comes stays open', () => {
    const m = new HallMonitor({ hall, windows: [win] });
    expect(emptyFromTen(m, '10:12:00').map((e) => e.type)).toEqual(['opened']);
    m.away(away('10:12:00', 15));
    expect(m.snapshot().incidents.windows.w1.absence?.openedAt).toBe(t('10:00:00'));
  });

  it('the declaration survives a snapshot and restore', () => {
    const a = new HallMonitor({ hall, windows: [win] });
    a.away(away('09:59:00', 15));
    const b = new HallMonitor({ hall, windows: [win] }, JSON.parse(JSON.stringify(a.snapshot())));
    expect(emptyFromTen(b, '10:13:50')).toEqual([]);
  });

  it('declared minutes are the absence inside the declaration', () => {
    const day = { start: t('00:00:00'), end: t('23:59:59') };
    const absent = [{ start: t('10:00:00'), end: t('10:20:00') }];
    expect(totalDuration(declaredAbsence(absent, [away('10:05:00', 10)], day))).toBe(10 * MIN);
    expect(totalDuration(declaredAbsence(absent, [away('09:55:00', 15)], day))).toBe(10 * MIN);
    expect(totalDuration(declaredAbsence(absent, [away('10:30:00', 15)], day))).toBe(0);
  });
});

describe('暂离 limits (awayMax 15 min, awayPerDayMax 60 min)', () => {
  const limits = { awayMax: DEFAULT_RULES.awayMax, awayPerDayMax: DEFAULT_RULES.awayPerDayMax };
  const tz = 'Asia/Shanghai';

  it('allows one up to awayMax, refuses a longer one naming rules.awayMax', () => {
    expect(awayRefusal([], away('10:00:00', 15), limits, tz)).toBeUndefined();
    expect(awayRefusal([], away('10:00:00', 16), limits, tz)).toMatch(/rules\.awayMax \(15 min\)/);
    expect(awayRefusal([], away('10:00:00', 0), limits, tz)).toMatch(/more than 0/);
  });

  it('refuses what would take the window past awayPerDayMax in its local day, naming rules.awayPerDayMax', () => {
    const earlier = [away('09:10:00', 15), away('09:40:00', 15), away('10:10:00', 15), away('10:40:00', 10)];
    expect(awayRefusal(earlier, away('11:00:00', 5), limits, tz)).toBeUndefined(); // 60 min
    expect(awayRefusal(earlier, away('11:00:00', 6), limits, tz)).toMatch(
      /61 min today, over rules\.awayPerDayMax \(60 min; 55 min declared already\)/,
    );
  });

  it('counts only the same window, only its local day, and overlapping declarations once', () => {
    const full = [away('09:10:00', 15), away('09:40:00', 15), away('10:10:00', 15), away('10:40:00', 15)];
    expect(awayRefusal(full, away('11:00:00', 5, 'w2'), limits, tz)).toBeUndefined();
    const yesterday = full.map((d) => ({ ...d, from: d.from - 24 * 3600_000, to: d.to - 24 * 3600_000 }));
    expect(awayRefusal(yesterday, away('11:00:00', 15), limits, tz)).toBeUndefined();
    expect(awayRefusal([...full.slice(0, 3), away('10:15:00', 15)], away('11:00:00', 5), limits, tz)).toBeUndefined(); // 10:15-10:25 counted once: 50 + 5
  });
});
