import { ScheduleSpec, workingDaysBefore } from '../schedule/schedule';
import {
  CaseUpdate,
  caseTimeline,
  dueCards,
  effectiveDeadline,
  openAt,
  parseYellowBefore,
  replacesCurrent,
  suspensions,
  yellowPoint,
} from './cards';

const TZ = 'Asia/Shanghai';
/** Local time in Asia/Shanghai (UTC+8, no DST). */
const t = (local: string) => Date.parse(`${local}:00+08:00`);
const day = (hhmm: string) => t(`2024-03-04T${hhmm}`); // a Monday
/**
 * Weekdays, with Qingming 2024 as the State Council set it: Thu 4 and Fri 5 April off, Sun 7
 * April a make-up workday (调休); Sat 6 April off as every Saturday.
 */
const spec: ScheduleSpec = {
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  open: ['09:00-12:00', '13:00-17:00'],
  holidays: ['2024-04-04', '2024-04-05'],
  makeupWorkdays: ['2024-04-07'],
};
const calendar = { schedule: spec, timeZone: TZ };
const update = (status: CaseUpdate['status'], hhmm: string): CaseUpdate => ({ status, at: day(hhmm) });

describe('workingDaysBefore', () => {
  it('keeps the time of day and skips the weekend', () => {
    // Mon 11 March 10:00, one working day back: Fri 8 March 10:00; two: Thu 7 March.
    expect(workingDaysBefore(spec, TZ, t('2024-03-11T10:00'), 1)).toBe(t('2024-03-08T10:00'));
    expect(workingDaysBefore(spec, TZ, t('2024-03-11T10:00'), 2)).toBe(t('2024-03-07T10:00'));
    // Tue 12 March 16:30 -> Mon 11 March 16:30.
    expect(workingDaysBefore(spec, TZ, t('2024-03-12T16:30'), 1)).toBe(t('2024-03-11T16:30'));
  });

  it('skips holidays and counts make-up workdays', () => {
    // Mon 8 April 09:30: Sun 7 April is a make-up workday, so one back is Sun 7 April 09:30 …
    expect(workingDaysBefore(spec, TZ, t('2024-04-08T09:30'), 1)).toBe(t('2024-04-07T09:30'));
    // … and two back skip Sat 6 (weekend), Fri 5 and Thu 4 (holidays): Wed 3 April 09:30.
    expect(workingDaysBefore(spec, TZ, t('2024-04-08T09:30'), 2)).toBe(t('2024-04-03T09:30'));
    // A deadline on a day off (Sat 6 April 12:00) counts back from there: Wed 3 April 12:00.
    expect(workingDaysBefore(spec, TZ, t('2024-04-06T12:00'), 1)).toBe(t('2024-04-03T12:00'));
  });

  it('counts calendar days on a schedule without any open day', () => {
    expect(workingDaysBefore({ weekdays: [], open: ['09:00-17:00'] }, TZ, t('2024-03-11T10:00'), 1)).toBe(t('2024-03-10T10:00'));
  });
});

describe('parseYellowBefore', () => {
  it('reads durations and working days', () => {
    expect(parseYellowBefore('1wd')).toEqual({ workingDays: 1 });
    expect(parseYellowBefore('3wd')).toEqual({ workingDays: 3 });
    expect(parseYellowBefore('4h')).toEqual({ ms: 4 * 3600_000 });
    expect(parseYellowBefore('1d12h')).toEqual({ ms: 36 * 3600_000 });
  });

  it('refuses anything else, saying what is expected', () => {
    expect(() => parseYellowBefore('0wd')).toThrow('working days must be 1 to 365');
    expect(() => parseYellowBefore('0s')).toThrow('must be longer than 0s');
    expect(() => parseYellowBefore('soon')).toThrow('expected a duration such as "4h" or "1d12h", or working days such as "1wd"');
    expect(() => parseYellowBefore('1.5wd')).toThrow('expected a duration');
  });
});

describe('yellowPoint', () => {
  it('is the duration before the deadline, or the working days before it on the calendar', () => {
    expect(yellowPoint(day('10:00'), { ms: 3600_000 }, calendar)).toBe(day('09:00'));
    expect(yellowPoint(t('2024-04-08T09:30'), { workingDays: 1 }, calendar)).toBe(t('2024-04-07T09:30'));
  });
});

describe('the case timeline', () => {
  it('orders updates by time; of two at the same time the one received later stands', () => {
    const corrected = { status: 'in-progress' as const, at: day('09:10') };
    expect(caseTimeline([update('suspended', '09:30'), update('accepted', '09:10'), corrected, update('accepted', '09:00')])).toEqual([
      update('accepted', '09:00'),
      corrected,
      update('suspended', '09:30'),
    ]);
  });

  it('lets a newer update replace the current one, and a finished one correct a finished one whatever its time', () => {
    expect(replacesCurrent(update('accepted', '09:00'), update('in-progress', '09:10'))).toBe(true);
    expect(replacesCurrent(update('in-progress', '09:10'), update('accepted', '09:00'))).toBe(false);
    expect(replacesCurrent(update('completed', '10:00'), update('suspended', '09:30'))).toBe(false);
    expect(replacesCurrent(update('completed', '10:00'), update('completed', '09:30'))).toBe(true);
    expect(replacesCurrent(update('completed', '10:00'), update('in-progress', '10:00'))).toBe(true);
  });

  it('is open before its first update only if that update is in flight', () => {
    expect(openAt([update('accepted', '09:00'), update('completed', '10:00')], day('08:00'))).toBe(true);
    expect(openAt([update('accepted', '09:00'), update('completed', '10:00')], day('09:59'))).toBe(true);
    expect(openAt([update('accepted', '09:00'), update('completed', '10:00')], day('10:00'))).toBe(false);
    expect(openAt([update('completed', '10:00')], day('09:00'))).toBe(false);
    expect(openAt([], day('09:00'))).toBe(false);
  });
});

describe('effectiveDeadline', () => {
  const now = day('17:00');

  it('moves the deadline by each suspension that began before it', () => {
    // Suspended 09:00-09:20: due 10:00 + 20 min = 10:20.
    const once = [update('accepted', '08:30'), update('suspended', '09:00'), update('in-progress', '09:20')];
    expect(suspensions(once, now)).toEqual([{ start: day('09:00'), end: day('09:20') }]);
    expect(effectiveDeadline(day('10:00'), once, now)).toBe(day('10:20'));
    // Again 10:10-10:40, before the moved deadline (10:20) though after the promised one: 10:50.
    const twice = [...once, update('suspended', '10:10'), update('in-progress', '10:40')];
    expect(effectiveDeadline(day('10:00'), twice, now)).toBe(day('10:50'));
  });

  it('is not moved by a suspension after the deadline passed', () => {
    const late = [update('accepted', '08:30'), update('suspended', '10:30'), update('in-progress', '11:00')];
    expect(effectiveDeadline(day('10:00'), late, now)).toBe(day('10:00'));
  });

  it('keeps moving while a suspension goes on, so it never passes during one', () => {
    const ongoing = [update('accepted', '08:30'), update('suspended', '09:00')];
    // At 09:45 the case has been suspended 45 minutes: due 10:45; at 12:00, 13:00.
    expect(effectiveDeadline(day('10:00'), ongoing, day('09:45'))).toBe(day('10:45'));
    expect(effectiveDeadline(day('10:00'), ongoing, day('12:00'))).toBe(day('13:00'));
  });
});

describe('dueCards', () => {
  const hour = { ms: 3600_000 };
  const cards = (updates: CaseUpdate[], deadline: string, now: string, issued: ('yellow' | 'red')[] = [], yellowBefore = hour) =>
    dueCards({ deadline: day(deadline), updates, now: day(now), yellowBefore, calendar, issued });

  it('gives a yellow card at once to a case accepted with less time left than the threshold', () => {
    // Accepted 09:00, due 09:30, yellow 1 h before: its yellow point (08:30) is already behind it.
    expect(cards([update('accepted', '09:00')], '09:30', '09:00')).toEqual([{ color: 'yellow', at: day('08:30') }]);
  });

  it('gives a yellow card when the yellow point comes, and a red one past the deadline', () => {
    const open = [update('accepted', '09:00')];
    expect(cards(open, '12:00', '10:59')).toEqual([]);
    expect(cards(open, '12:00', '11:00')).toEqual([{ color: 'yellow', at: day('11:00') }]);
    expect(cards(open, '12:00', '11:30', ['yellow'])).toEqual([]);
    expect(cards(open, '12:00', '12:00', ['yellow'])).toEqual([]);
    expect(cards(open, '12:00', '12:01', ['yellow'])).toEqual([{ color: 'red', at: day('12:00') }]);
    expect(cards(open, '12:00', '15:00', ['yellow', 'red'])).toEqual([]);
  });

  it('gives a case found past its deadline the red card only, and never a yellow one after it', () => {
    expect(cards([update('in-progress', '10:00')], '09:30', '10:00')).toEqual([{ color: 'red', at: day('09:30') }]);
    expect(cards([update('in-progress', '10:00')], '09:30', '10:00', ['red'])).toEqual([]);
  });

  it('gives none to a case completed in time, and red to one completed after its deadline', () => {
    const inTime = [update('accepted', '09:00'), update('completed', '10:30')];
    expect(cards(inTime, '12:00', '17:00')).toEqual([]);
    // Completed 11:30: it was open at its yellow point (11:00), not at its deadline.
    expect(cards([update('accepted', '09:00'), update('completed', '11:30')], '12:00', '17:00')).toEqual([
      { color: 'yellow', at: day('11:00') },
    ]);
    expect(cards([update('accepted', '09:00'), update('completed', '12:30')], '12:00', '12:30')).toEqual([
      { color: 'red', at: day('12:00') },
    ]);
  });

  it('gives none to a case never seen in flight, however late it finished', () => {
    expect(cards([update('completed', '12:30')], '12:00', '17:00')).toEqual([]);
  });

  it('stops the clock while the case is suspended', () => {
    // Accepted 09:00, due 10:00, yellow 30 min before; suspended 09:10 with 50 minutes left.
    const suspended = [update('accepted', '09:00'), update('suspended', '09:10')];
    const half = { ms: 1800_000 };
    expect(cards(suspended, '10:00', '11:00', [], half)).toEqual([]);
    // Resumed 10:00: 50 minutes suspended, due 10:50, yellow from 10:20.
    const resumed = [...suspended, update('in-progress', '10:00')];
    expect(cards(resumed, '10:00', '10:19', [], half)).toEqual([]);
    expect(cards(resumed, '10:00', '10:20', [], half)).toEqual([{ color: 'yellow', at: day('10:20') }]);
    expect(cards(resumed, '10:00', '10:51', ['yellow'], half)).toEqual([{ color: 'red', at: day('10:50') }]);
  });

  it('counts working days back from the deadline on the calendar', () => {
    // Due Mon 11 March 10:00, yellow 1 working day before: Fri 8 March 10:00 (over the weekend).
    const accepted = [{ status: 'accepted' as const, at: t('2024-03-07T15:00') }];
    const at = (local: string) =>
      dueCards({
        deadline: t('2024-03-11T10:00'),
        updates: accepted,
        now: t(local),
        yellowBefore: { workingDays: 1 },
        calendar,
        issued: [],
      });
    expect(at('2024-03-08T09:59')).toEqual([]);
    expect(at('2024-03-08T10:00')).toEqual([{ color: 'yellow', at: t('2024-03-08T10:00') }]);
    // Due Mon 8 April 09:30 with 2 working days: Wed 3 April 09:30 (Qingming off, Sun 7 April worked).
    const qingming = dueCards({
      deadline: t('2024-04-08T09:30'),
      updates: [{ status: 'accepted', at: t('2024-04-01T09:00') }],
      now: t('2024-04-03T09:30'),
      yellowBefore: { workingDays: 2 },
      calendar,
      issued: [],
    });
    expect(qingming).toEqual([{ color: 'yellow', at: t('2024-04-03T09:30') }]);
  });
});
