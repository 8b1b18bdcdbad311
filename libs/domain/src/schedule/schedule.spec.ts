import { parseDuration } from './duration';
import { ScheduleError, ScheduleSpec, isOpen, nextBoundary, openIntervals, parseSchedule, validateSchedule } from './schedule';

/** Shanghai wall-clock time, converted by the JS Date parser, not by the code under test. */
const sh = (date: string, time: string) => Date.parse(`${date}T${time}:00+08:00`);
const TZ = 'Asia/Shanghai';
const HOUR = 3_600_000;

// 2024 National Day: Oct 1-7 off (Tue-Mon), made up on Sun Sep 29 and Sat Oct 12.
const hallSpec: ScheduleSpec = {
  weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  open: ['09:00-12:00', '13:30-17:30'],
  holidays: ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-07'],
  makeupWorkdays: ['2024-09-29', '2024-10-12'],
};

describe('validateSchedule / parseSchedule', () => {
  it('accepts a valid spec', () => {
    expect(validateSchedule(hallSpec)).toEqual([]);
    expect(parseSchedule(hallSpec)).toBe(hallSpec);
    expect(validateSchedule({ weekdays: ['sun'], open: ['00:00-24:00'] })).toEqual([]);
  });

  it('names every offending value', () => {
    expect(
      validateSchedule({
        weekdays: ['mon', 'funday'],
        open: ['09:00-12:00', '13:30-12:00', '9:00-10:00', '11:00-12:30', '24:00-24:00'],
        holidays: ['2024-02-30'],
        makeupWorkdays: ['2024-10-12', 'soon'],
      }),
    ).toEqual([
      'weekdays[1]: "funday" is not one of sun, mon, tue, wed, thu, fri, sat',
      'open[1]: "13:30-12:00" ends before it starts',
      'open[2]: "9:00-10:00" is not "HH:MM-HH:MM" (00:00 to 24:00)',
      'open[4]: "24:00-24:00" is not "HH:MM-HH:MM" (00:00 to 24:00)',
      'open[3]: "11:00-12:30" overlaps open[0] "09:00-12:00"',
      'holidays[0]: "2024-02-30" is not a calendar date "YYYY-MM-DD"',
      'makeupWorkdays[1]: "soon" is not a calendar date "YYYY-MM-DD"',
    ]);
  });

  it('rejects a date that is both a holiday and a make-up workday', () => {
    expect(validateSchedule({ weekdays: [], open: ['09:00-10:00'], holidays: ['2024-10-12'], makeupWorkdays: ['2024-10-12'] })).toEqual([
      'holidays[0]: "2024-10-12" is also listed in makeupWorkdays',
    ]);
  });

  it('parseSchedule throws a ScheduleError carrying the issues', () => {
    expect(() => parseSchedule({ weekdays: ['mon'], open: ['13:30-12:00'] })).toThrow(
      new ScheduleError(['open[0]: "13:30-12:00" ends before it starts']),
    );
    expect(() => parseSchedule(null)).toThrow('schedule: must be an object');
  });

  it('openIntervals rejects an unknown time zone', () => {
    expect(() => openIntervals(hallSpec, 'Mars/Olympus', 0, 1)).toThrow('unknown time zone "Mars/Olympus"');
  });
});

describe('openIntervals in Asia/Shanghai', () => {
  it('a normal Tuesday has a morning and an afternoon with a lunch break between', () => {
    expect(openIntervals(hallSpec, TZ, sh('2024-10-08', '00:00'), sh('2024-10-09', '00:00'))).toEqual([
      { start: sh('2024-10-08', '09:00'), end: sh('2024-10-08', '12:00') },
      { start: sh('2024-10-08', '13:30'), end: sh('2024-10-08', '17:30') },
    ]);
  });

  it('clips to the requested range', () => {
    expect(openIntervals(hallSpec, TZ, sh('2024-10-08', '10:00'), sh('2024-10-08', '14:00'))).toEqual([
      { start: sh('2024-10-08', '10:00'), end: sh('2024-10-08', '12:00') },
      { start: sh('2024-10-08', '13:30'), end: sh('2024-10-08', '14:00') },
    ]);
  });

  it('a holiday on a weekday is closed all day', () => {
    // 2024-10-01 is a Tuesday.
    expect(openIntervals(hallSpec, TZ, sh('2024-10-01', '00:00'), sh('2024-10-02', '00:00'))).toEqual([]);
    expect(isOpen(hallSpec, TZ, sh('2024-10-01', '10:00'))).toBe(false);
  });

  it('a make-up workday on a Saturday is open with the usual intervals; other Saturdays are not', () => {
    expect(openIntervals(hallSpec, TZ, sh('2024-10-12', '00:00'), sh('2024-10-13', '00:00'))).toEqual([
      { start: sh('2024-10-12', '09:00'), end: sh('2024-10-12', '12:00') },
      { start: sh('2024-10-12', '13:30'), end: sh('2024-10-12', '17:30') },
    ]);
    expect(isOpen(hallSpec, TZ, sh('2024-10-19', '10:00'))).toBe(false);
  });

  it('the National Day week has only two open days of 7 h', () => {
    // Sun Sep 29 (make-up), Mon Sep 30, Sat Oct 5 / Sun Oct 6 weekend, Tue Oct 1 - Fri Oct 4 and
    // Mon Oct 7 holidays: open days in [Sep 29, Oct 8) are Sep 29 and Sep 30 only.
    const total = openIntervals(hallSpec, TZ, sh('2024-09-29', '00:00'), sh('2024-10-08', '00:00')).reduce(
      (sum, i) => sum + (i.end - i.start),
      0,
    );
    expect(total).toBe(2 * 7 * HOUR);
  });

  it('isOpen is start-inclusive and end-exclusive', () => {
    expect(isOpen(hallSpec, TZ, sh('2024-10-08', '09:00'))).toBe(true);
    expect(isOpen(hallSpec, TZ, sh('2024-10-08', '12:00'))).toBe(false);
    expect(isOpen(hallSpec, TZ, sh('2024-10-08', '12:00') - 1)).toBe(true);
  });

  it('00:00-24:00 on consecutive days is one interval', () => {
    const allWeek: ScheduleSpec = {
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      open: ['00:00-24:00'],
    };
    expect(openIntervals(allWeek, TZ, sh('2024-10-08', '06:00'), sh('2024-10-10', '06:00'))).toEqual([
      { start: sh('2024-10-08', '06:00'), end: sh('2024-10-10', '06:00') },
    ]);
    expect(nextBoundary(allWeek, TZ, sh('2024-10-08', '06:00'))).toBeNull();
  });
});

describe('openIntervals across DST transitions', () => {
  const nightShift: ScheduleSpec = {
    weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    open: ['01:00-04:00'],
  };

  it('Europe/Berlin spring forward: 01:00 CET to 04:00 CEST lasts 2 hours', () => {
    const day = openIntervals(nightShift, 'Europe/Berlin', Date.parse('2024-03-30T23:00:00Z'), Date.parse('2024-03-31T22:00:00Z'));
    expect(day).toEqual([{ start: Date.parse('2024-03-31T01:00:00+01:00'), end: Date.parse('2024-03-31T04:00:00+02:00') }]);
    expect(day[0].end - day[0].start).toBe(2 * HOUR);
  });

  it('Europe/Berlin fall back: 01:00 CEST to 04:00 CET lasts 4 hours', () => {
    const day = openIntervals(nightShift, 'Europe/Berlin', Date.parse('2024-10-26T22:00:00Z'), Date.parse('2024-10-27T23:00:00Z'));
    expect(day).toEqual([{ start: Date.parse('2024-10-27T01:00:00+02:00'), end: Date.parse('2024-10-27T04:00:00+01:00') }]);
  });

  it('a wall time skipped by the gap moves forward by the gap (02:30 -> 03:30 CEST)', () => {
    const spec: ScheduleSpec = { weekdays: ['sun'], open: ['02:30-05:00'] };
    expect(openIntervals(spec, 'Europe/Berlin', Date.parse('2024-03-30T23:00:00Z'), Date.parse('2024-03-31T22:00:00Z'))).toEqual([
      { start: Date.parse('2024-03-31T03:30:00+02:00'), end: Date.parse('2024-03-31T05:00:00+02:00') },
    ]);
  });
});

describe('nextBoundary', () => {
  it('walks open/close boundaries across lunch, the evening and a holiday week', () => {
    expect(nextBoundary(hallSpec, TZ, sh('2024-10-08', '08:00'))).toEqual({ at: sh('2024-10-08', '09:00'), opens: true });
    expect(nextBoundary(hallSpec, TZ, sh('2024-10-08', '09:00'))).toEqual({ at: sh('2024-10-08', '12:00'), opens: false });
    expect(nextBoundary(hallSpec, TZ, sh('2024-10-08', '12:00'))).toEqual({ at: sh('2024-10-08', '13:30'), opens: true });
    expect(nextBoundary(hallSpec, TZ, sh('2024-10-08', '15:00'))).toEqual({ at: sh('2024-10-08', '17:30'), opens: false });
    // After Mon Sep 30 closes, the next opening is Tue Oct 8 (Oct 1-7 holidays/weekend).
    expect(nextBoundary(hallSpec, TZ, sh('2024-09-30', '17:30'))).toEqual({ at: sh('2024-10-08', '09:00'), opens: true });
  });

  it('returns null for a schedule that never opens again', () => {
    const once: ScheduleSpec = { weekdays: [], open: ['09:00-10:00'], makeupWorkdays: ['2024-10-12'] };
    expect(nextBoundary(once, TZ, sh('2024-10-12', '10:00'))).toBeNull();
  });
});

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1d2h', 93_600_000],
    ['0s', 0],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '5x', '30m1h', '1.5h', '-5m', 'm'])('rejects %j with a clear error', (text) => {
    expect(() => parseDuration(text)).toThrow(`invalid duration ${JSON.stringify(text)}: expected whole numbers`);
  });
});
