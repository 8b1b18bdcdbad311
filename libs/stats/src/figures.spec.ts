import fc from 'fast-check';
import { openIntervals, QueueEvent, StateChange } from '@hallwatch/domain';
import { dayRange } from './calendar';
import {
  addFigures,
  addStaffFigures,
  CaseFacts,
  CountedCase,
  emptyFigures,
  Figures,
  NoShowFacts,
  StaffFigures,
  totalFigures,
  UNASSIGNED,
  windowPeriodFigures,
} from './figures';
import { attendanceFigures, groupFigures, throughputFigures, WindowInfo } from './report';

const TZ = 'Asia/Shanghai';
const DAY = '2024-03-04'; // a Monday
const at = (hhmm: string) => Date.parse(`${DAY}T${hhmm}:00+08:00`);
const SCHEDULE = { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] as const, open: ['09:00-12:00', '13:00-17:00'] };
const scheduled = (range = dayRange(TZ, DAY)) =>
  openIntervals({ ...SCHEDULE, weekdays: [...SCHEDULE.weekdays] }, TZ, range.start, range.end);

function change(state: StateChange['state'], hhmm: string, windowId = 'W1'): StateChange {
  return { windowId, hallId: 'H1', state, since: at(hhmm), at: at(hhmm) };
}
function kase(
  caseId: string,
  staffId: string | undefined,
  taken: string,
  called: string,
  started: string,
  finished: string,
  deadline: string,
): CaseFacts {
  return {
    caseId,
    windowId: 'W1',
    staffId,
    takenAt: at(taken),
    calledAt: at(called),
    startedAt: at(started),
    finishedAt: at(finished),
    deadline: at(deadline),
  };
}

// One hand-checked day: schedule 09:00-12:00 + 13:00-17:00 = 420 min.
const CHANGES = [
  change('closed', '08:30'),
  change('staffed', '09:00'),
  change('absent', '10:00'), // 20 min: an absence (threshold 10 min)
  change('staffed', '10:20'),
  change('absent', '11:00'), // 5 min: empty, but too short to be an absence
  change('staffed', '11:05'),
  change('unknown', '11:30'), // camera offline 11:30-12:00 (lunch 12:00-13:00 is unscheduled)
  change('closed', '12:00'), // inference reports every schedule boundary
  change('staffed', '13:00'),
  change('absent', '16:30'), // 30 min to closing: an absence
  change('closed', '17:00'),
];
const CASES = [
  kase('c1', 'S1', '09:05', '09:10', '09:10', '09:22', '09:30'), // wait 5, handling 12, on time
  kase('c2', 'S1', '10:05', '10:25', '10:26', '10:40', '10:30'), // in absence; wait 20, handling 14, late
  kase('c3', 'S2', '11:02', '11:06', '11:06', '11:16', '12:00'), // short gap, not absence; wait 4, handling 10
  kase('c4', 'S1', '16:35', '16:45', '16:45', '16:53', '17:00'), // in absence; wait 10, handling 8
];
const dayFigures = () =>
  windowPeriodFigures({ range: dayRange(TZ, DAY), scheduled: scheduled(), changes: CHANGES, cases: CASES, absenceAfterMs: 10 * 60_000 });

describe('windowPeriodFigures on a hand-computed day', () => {
  it('splits scheduled time into staffed, unknown and absences', () => {
    const a = attendanceFigures(totalFigures(dayFigures()));
    // staffed 60 + 40 + 25 + 210 = 335 min; unknown 30 min; absences 20 + 30 min.
    expect(a).toEqual({
      scheduledHours: 7,
      staffedHours: Math.round((335 / 60) * 1000) / 1000,
      unknownHours: 0.5,
      attendanceRate: Math.round((335 / 390) * 10000) / 10000,
      absentPeriods: 2,
      absenceMinutes: 50,
      unexcusedAbsentPeriods: 2,
      excusedAbsentPeriods: 0,
      unexcusedAbsenceMinutes: 50,
      excusedAbsenceMinutes: 0,
      declaredAwayMinutes: 0,
      pausedWhileStaffedMinutes: 0,
      openWhileAbsentMinutes: 0,
      idleWhileOpenMinutes: 0, // no queue session
    });
  });

  it('splits absences by approved leave: a period by where it began, minutes by overlap', () => {
    // Leave 10:10-11:30 covers 10 of the first absence's 20 min (10:00-10:20), not where it began;
    // leave 16:00-16:40 covers where the second (16:30-17:00) began and 10 of its 30 min.
    const excused = [
      { start: at('10:10'), end: at('11:30') },
      { start: at('16:00'), end: at('16:40') },
    ];
    const f = totalFigures(
      windowPeriodFigures({
        range: dayRange(TZ, DAY),
        scheduled: scheduled(),
        changes: CHANGES,
        cases: CASES,
        absenceAfterMs: 10 * 60_000,
        excused,
      }),
    );
    expect([f.absences, f.excusedAbsences, f.absenceMs, f.excusedAbsenceMs]).toEqual([2, 1, 50 * 60_000, 20 * 60_000]);
    expect(attendanceFigures(f)).toMatchObject({
      unexcusedAbsentPeriods: 1,
      excusedAbsentPeriods: 1,
      unexcusedAbsenceMinutes: 30,
      excusedAbsenceMinutes: 20,
    });
  });

  it('counts absent time inside 暂离 declarations apart: declared, and an absence only past them', () => {
    // 09:55-10:11 declared: 11 of the first absence's 20 min (10:00-10:20) are declared, the 9 past it
    // are too short for an absence; 11:00-11:15 covers the 5 min gap; 16:30-16:45 leaves 16:45-17:00 (15 min), an absence.
    const declared = [
      { start: at('09:55'), end: at('10:11') },
      { start: at('11:00'), end: at('11:15') },
      { start: at('16:30'), end: at('16:45') },
    ];
    const f = totalFigures(
      windowPeriodFigures({
        range: dayRange(TZ, DAY),
        scheduled: scheduled(),
        changes: CHANGES,
        cases: CASES,
        absenceAfterMs: 10 * 60_000,
        declared,
      }),
    );
    expect([f.absences, f.absenceMs, f.declaredAwayMs]).toEqual([1, 15 * 60_000, (11 + 5 + 15) * 60_000]);
    expect(attendanceFigures(f)).toMatchObject({ absentPeriods: 1, absenceMinutes: 15, declaredAwayMinutes: 31 });
  });

  it('computes throughput, medians and waits during absences', () => {
    const t = throughputFigures(totalFigures(dayFigures()));
    expect(t).toEqual({
      casesHandled: 4,
      staffedHours: 5.583,
      casesPerStaffedHour: Math.round((4 / (335 / 60)) * 1000) / 1000,
      medianHandlingMinutes: 11, // 8 10 | 12 14
      p90HandlingMinutes: 13.4, // rank 2.7 between 12 and 14
      medianWaitMinutes: 7.5, // 4 5 | 10 20
      p90WaitMinutes: 17, // rank 2.7 between 10 and 20
      waitOverTargetRate: 0, // none over 30 min
      noShows: 0,
      onTimeRate: 0.75,
      medianWaitDuringAbsenceMinutes: 15, // c2 20, c4 10
      medianWaitOtherwiseMinutes: 4.5, // c1 5, c3 4
      // No case rated.
      goodRatingRate: null,
      badRatingRate: null,
      unratedRate: 1,
    });
  });

  it('adds everything but the histograms when durations are left out', () => {
    const day = totalFigures(dayFigures());
    const twice = addFigures(addFigures(emptyFigures(), day, false), day, false);
    const { handling, wait, waitInAbsence, waitOtherwise, ...counts } = twice;
    expect([handling, wait, waitInAbsence, waitOtherwise]).toEqual([{}, {}, {}, {}]);
    expect(counts.cases).toBe(8);
    expect(counts.onTime).toBe(6);
    expect(counts.staffedMs).toBe(2 * 335 * 60_000);
    expect(throughputFigures(twice).onTimeRate).toBe(0.75);
  });

  it('gives the time to the duty staff and each case to its own staff', () => {
    const f = dayFigures();
    expect(Object.keys(f).sort()).toEqual(['S1', 'S2']);
    expect(f.S1.scheduledMs).toBe(420 * 60_000);
    expect(f.S2.scheduledMs).toBe(0);
    expect([f.S1.cases, f.S2.cases]).toEqual([3, 1]);
    expect(throughputFigures(f.S1).p90HandlingMinutes).toBe(13.6); // 8 12 14: rank 1.8
  });

  it('sums the ratings given, each to the staff of its case, and counts those of 2 or less', () => {
    const rated = [
      { ...CASES[0], satisfaction: 5 },
      { ...CASES[1], satisfaction: 2 },
      CASES[2], // not rated: counts nowhere
      { ...CASES[3], satisfaction: 1 },
    ];
    const f = windowPeriodFigures({
      range: dayRange(TZ, DAY),
      scheduled: scheduled(),
      changes: CHANGES,
      cases: rated,
      absenceAfterMs: 600_000,
    });
    // S1 rated 5, 2, 1: sum 8 of 3, two low; S2's case has no rating.
    expect([f.S1.satisfactionSum, f.S1.satisfactionCount, f.S1.lowSatisfaction]).toEqual([8, 3, 2]);
    expect([f.S2.satisfactionSum, f.S2.satisfactionCount, f.S2.lowSatisfaction]).toEqual([0, 0, 0]);
    expect(totalFigures(f)).toMatchObject({ satisfactionSum: 8, satisfactionCount: 3, lowSatisfaction: 2 });
    // 好评: the 5; 差评 (supervision.badRating 2 by default): the 2 and the 1. Of 4 cases, 3 rated.
    expect(totalFigures(f)).toMatchObject({ goodRatings: 1, badRatings: 2 });
    expect(throughputFigures(totalFigures(f))).toMatchObject({ goodRatingRate: 0.3333, badRatingRate: 0.6667, unratedRate: 0.25 });
    // With supervision.badRating 1, only the 1 is a 差评.
    const strict = windowPeriodFigures({
      range: dayRange(TZ, DAY),
      scheduled: scheduled(),
      changes: CHANGES,
      cases: rated,
      absenceAfterMs: 600_000,
      badRating: 1,
    });
    expect(totalFigures(strict)).toMatchObject({ goodRatings: 1, badRatings: 1, lowSatisfaction: 2 });
  });

  it('counts time before the first report as unknown, never absent, and unstaffed days as unassigned', () => {
    const f = windowPeriodFigures({
      range: dayRange(TZ, DAY),
      scheduled: scheduled(),
      changes: [change('staffed', '16:00')],
      cases: [],
      absenceAfterMs: 600_000,
    });
    expect(Object.keys(f)).toEqual([UNASSIGNED]);
    expect(f[UNASSIGNED]).toMatchObject({ staffedMs: 60 * 60_000, unknownMs: 360 * 60_000, absences: 0 });
  });
});

describe('queue sessions against the seat', () => {
  const q = (event: QueueEvent['event'], hhmm: string, staffId = 'S1'): QueueEvent => ({ windowId: 'W1', staffId, event, at: at(hhmm) });
  const QUEUE = [
    q('login', '08:55'),
    q('pause', '09:40'), // paused 09:40-09:50, staffed: 10 min
    q('resume', '09:50'), // open while absent 10:00-10:20: 20 min
    q('pause', '11:02'), // open while absent 11:00-11:02: 2 min; paused 11:02-11:20, staffed from 11:05: 15 min
    q('resume', '11:20'), // open 11:20-12:00: staffed, then unknown from 11:30 (counts nothing)
    q('logout', '12:30'),
    q('login', '13:00', 'S2'),
    q('pause', '14:00', 'S2'), // paused while staffed 14:00-14:30: 30 min
    q('resume', '14:30', 'S2'), // open while absent 16:30-17:00: 30 min
  ];
  const figures = (queue: QueueEvent[], changes = CHANGES) =>
    windowPeriodFigures({ range: dayRange(TZ, DAY), scheduled: scheduled(), changes, cases: CASES, absenceAfterMs: 10 * 60_000, queue });

  it('counts paused-while-staffed and open-while-absent time per staffId of the session', () => {
    const f = figures(QUEUE);
    expect([f.S1.pausedWhileStaffedMs, f.S1.openWhileAbsentMs]).toEqual([25 * 60_000, 22 * 60_000]);
    expect([f.S2.pausedWhileStaffedMs, f.S2.openWhileAbsentMs]).toEqual([30 * 60_000, 30 * 60_000]);
    expect(attendanceFigures(totalFigures(f))).toMatchObject({ pausedWhileStaffedMinutes: 55, openWhileAbsentMinutes: 52 });
  });

  it('unknown seat time counts in neither: a camera outage all afternoon', () => {
    const outage = [...CHANGES.slice(0, 8), change('unknown', '13:00'), change('closed', '17:00')];
    const f = figures(QUEUE, outage);
    expect([f.S2.pausedWhileStaffedMs, f.S2.openWhileAbsentMs]).toEqual([0, 0]);
  });

  it('a session carried in from before the day counts from the day start', () => {
    const f = figures([{ ...q('login', '08:00'), at: at('08:00') - 24 * 3600_000 }]);
    // Open all day: absent 10:00-10:20, 11:00-11:05, 16:30-17:00.
    expect(f.S1.openWhileAbsentMs).toBe(55 * 60_000);
  });

  it('rollups stored before queue sessions were counted add as zero', () => {
    const legacy = { ...totalFigures(dayFigures()) } as Partial<Figures>;
    delete legacy.pausedWhileStaffedMs;
    delete legacy.openWhileAbsentMs;
    const sum = addFigures(addFigures(emptyFigures(), legacy as Figures), totalFigures(figures(QUEUE)));
    expect([sum.pausedWhileStaffedMs, sum.openWhileAbsentMs]).toEqual([55 * 60_000, 52 * 60_000]);
  });
});

describe('waiting and service times', () => {
  const MIN = 60_000;
  const q = (event: QueueEvent['event'], hhmm: string, staffId = 'S1'): QueueEvent => ({ windowId: 'W1', staffId, event, at: at(hhmm) });
  const noShow = (caseId: string, staffId: string, taken: string, called: string): NoShowFacts => ({
    caseId,
    windowId: 'W1',
    staffId,
    takenAt: at(taken),
    calledAt: at(called),
    noShow: true,
  });
  // The seat staffed all morning (09:00-12:00), closed after.
  const STAFFED = [change('staffed', '09:00'), change('closed', '12:00')];
  const figures = (cases: CountedCase[], queue: QueueEvent[] = [], changes = STAFFED, now?: number) =>
    windowPeriodFigures({ range: dayRange(TZ, DAY), scheduled: scheduled(), changes, cases, queue, absenceAfterMs: 10 * MIN, now });

  // Waits 5, 10, 20, 30, 50 min; handling 4, 6, 8, 10, 12 min.
  const SERVED = [
    kase('w1', 'S1', '09:00', '09:05', '09:05', '09:09', '17:00'),
    kase('w2', 'S1', '09:00', '09:10', '09:10', '09:16', '17:00'),
    kase('w3', 'S1', '09:00', '09:20', '09:20', '09:28', '17:00'),
    kase('w4', 'S2', '09:00', '09:30', '09:30', '09:40', '17:00'),
    kase('w5', 'S2', '09:00', '09:50', '09:50', '10:02', '17:00'),
  ];

  it('gives the median, 90th percentile and share over rules.waitTarget of the waits, and of the handling times', () => {
    const t = throughputFigures(totalFigures(figures(SERVED)));
    // Waits sorted 5 10 20 30 50: median the 3rd = 20; p90 at rank 4 × 0.9 = 3.6 → 30 + 0.6 × (50 − 30) = 42.
    // Over 30 min: only 50 (30 itself is not over) → 1/5.
    expect(t).toMatchObject({ medianWaitMinutes: 20, p90WaitMinutes: 42, waitOverTargetRate: 0.2 });
    // Handling 4 6 8 10 12: median 8; p90 = 10 + 0.6 × 2 = 11.2.
    expect(t).toMatchObject({ medianHandlingMinutes: 8, p90HandlingMinutes: 11.2 });
    // A target of 15 min: 20, 30 and 50 are over → 3/5.
    expect(throughputFigures(totalFigures(figures(SERVED)), 15 * MIN).waitOverTargetRate).toBe(0.6);
    // Per staff: S1 waits 5 10 20 (none over 30), S2 waits 30 50 (one over).
    const f = figures(SERVED);
    expect([throughputFigures(f.S1).waitOverTargetRate, throughputFigures(f.S2).waitOverTargetRate]).toEqual([0, 0.5]);
    expect(throughputFigures(emptyFigures())).toMatchObject({ p90WaitMinutes: null, waitOverTargetRate: null, noShows: 0 });
  });

  it('counts a ticket called and never started as a no-show of its staff once the day is over, and nowhere else', () => {
    const cases = [...SERVED, noShow('n1', 'S2', '09:40', '10:10')];
    const f = figures(cases);
    expect([f.S1.noShows, f.S2.noShows]).toEqual([0, 1]);
    // Not a case handled, not a wait: the served figures are those of SERVED alone.
    const t = throughputFigures(totalFigures(f));
    expect(t).toMatchObject({ casesHandled: 5, noShows: 1, medianWaitMinutes: 20 });
    // While the day runs it may still start: none yet at 11:00.
    expect(totalFigures(figures(cases, [], STAFFED, at('11:00'))).noShows).toBe(0);
    // No duty for a no-show: S1 and S2 served 3 and 2, S2's no-show does not make it 3 against 3.
    expect(f.S1.scheduledMs).toBe(420 * MIN);
  });

  it('idleWhileOpenMinutes: open for calling, seat staffed, nobody called or served', () => {
    // Session open 09:00-10:00, seat staffed throughout; served 09:10-09:20 and 09:40-09:50 (called to finished):
    // 60 − 10 − 10 = 40 idle minutes.
    const cases = [
      kase('i1', 'S1', '09:05', '09:10', '09:11', '09:20', '17:00'),
      kase('i2', 'S1', '09:30', '09:40', '09:40', '09:50', '17:00'),
    ];
    const f = figures(cases, [q('login', '09:00'), q('logout', '10:00')]);
    expect(f.S1.idleWhileOpenMs).toBe(40 * MIN);
    expect(attendanceFigures(totalFigures(f)).idleWhileOpenMinutes).toBe(40);
  });

  it('idle time is neither paused, nor absent, nor unknown seat time, and goes to the staffId of the session', () => {
    const changes = [
      change('staffed', '09:00'),
      change('absent', '09:30'),
      change('staffed', '09:45'),
      change('unknown', '10:30'),
      change('closed', '12:00'),
    ];
    const queue = [q('login', '09:00', 'S2'), q('pause', '09:15', 'S2'), q('resume', '09:20', 'S2'), q('logout', '11:00', 'S2')];
    // Open 09:00-09:15 and 09:20-11:00; staffed 09:00-09:30 and 09:45-10:30 → open and staffed 09:00-09:15,
    // 09:20-09:30, 09:45-10:30 = 15 + 10 + 45 = 70 min; minus the case called 09:50, finished 10:05 (15 min) = 55.
    const f = figures([kase('i3', 'S1', '09:40', '09:50', '09:52', '10:05', '17:00')], queue, changes);
    expect(f.S2.idleWhileOpenMs).toBe(55 * MIN);
    expect(f.S1.idleWhileOpenMs).toBe(0);
  });

  it('adds up over days and groups, and rollups stored before these figures add as zero', () => {
    const day = totalFigures(figures([...SERVED, noShow('n1', 'S2', '09:40', '10:10')], [q('login', '09:00'), q('logout', '10:00')]));
    const legacy = { ...day } as Partial<Figures>;
    delete legacy.noShows;
    delete legacy.idleWhileOpenMs;
    const sum = addFigures(addFigures(addFigures(emptyFigures(), day), day), legacy as Figures);
    // 09:00-10:00 open minus called-to-finished 09:05-09:09, 09:10-09:16, 09:20-09:28, 09:30-09:40, 09:50-10:00 = 60 − 38 = 22.
    expect([day.noShows, day.idleWhileOpenMs]).toEqual([1, 22 * MIN]);
    expect([sum.noShows, sum.idleWhileOpenMs]).toEqual([2, 44 * MIN]);
    // The waits' histogram of three days: 5 10 20 30 50 three times; still 3 of 15 over 30 min.
    expect(throughputFigures(sum).waitOverTargetRate).toBe(0.2);
  });
});

describe('only what happened counts', () => {
  const MIN = 60_000;
  const week = (from: string, to: string) => ({ start: dayRange(TZ, from).start, end: dayRange(TZ, to).end });
  const on = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);
  const seen = (state: StateChange['state'], date: string, hhmm: string): StateChange => ({
    windowId: 'W1',
    hallId: 'H1',
    state,
    since: on(date, hhmm),
    at: on(date, hhmm),
  });
  const figures = (range: { start: number; end: number }, changes: StateChange[], now?: number) =>
    totalFigures(windowPeriodFigures({ range, scheduled: scheduled(range), changes, cases: [], absenceAfterMs: 10 * MIN, now }));

  it('a report that spans the future stops at the present', () => {
    // Mon 4 to Sun 10 March, asked on Wed 6 March at 10:30. Every day the window is staffed from
    // opening, left at 11:00 and back at 11:30; then it closes for lunch, reopens, closes at 17:00.
    const changes = ['2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07', '2024-03-08'].flatMap((d) => [
      seen('staffed', d, '09:00'),
      seen('absent', d, '11:00'),
      seen('staffed', d, '11:30'),
      seen('closed', d, '12:00'),
      seen('staffed', d, '13:00'),
      seen('closed', d, '17:00'),
    ]);
    const now = on('2024-03-06', '10:30');
    const f = figures(
      week('2024-03-04', '2024-03-10'),
      changes.filter((c) => c.since <= now),
      now,
    );
    // Mon and Tue: 420 min each, 30 min absent each; Wed: 09:00-10:30 staffed. Thu, Fri: nothing.
    expect(f.scheduledMs).toBe((420 + 420 + 90) * MIN);
    expect(f.staffedMs).toBe((390 + 390 + 90) * MIN);
    expect([f.absences, f.absenceMs, f.unknownMs]).toEqual([2, 60 * MIN, 0]);
    // The same week without a present counts the scheduled time of Thu and Fri as unknown, not absent.
    const later = figures(
      week('2024-03-04', '2024-03-10'),
      changes.filter((c) => c.since <= now),
    );
    expect(later.scheduledMs).toBe(5 * 420 * MIN);
    expect([later.absences, later.absenceMs]).toEqual([2, 60 * MIN]);
    expect(later.unknownMs).toBe((240 + 2 * 420) * MIN); // Wed staffed to 12:00 as last seen, then unknown
  });

  it('a day after closing is unknown, never absent', () => {
    // Monday closes at 17:00; nothing is reported on Tuesday (inference down all day).
    const changes = [seen('staffed', '2024-03-04', '09:00'), seen('closed', '2024-03-04', '17:00')];
    const tuesday = figures(dayRange(TZ, '2024-03-05'), changes);
    expect(tuesday).toMatchObject({ scheduledMs: 420 * MIN, staffedMs: 0, absenceMs: 0, absences: 0, unknownMs: 420 * MIN });
    // A window reported closed inside its open hours is not absent either.
    const closedAtTen = figures(dayRange(TZ, DAY), [change('staffed', '09:00'), change('closed', '10:00')]);
    expect(closedAtTen).toMatchObject({ staffedMs: 60 * MIN, absenceMs: 0, unknownMs: 360 * MIN });
  });

  it('a gap in the data is unknown: no state outlives a schedule boundary it was not seen across', () => {
    // Absent from 10:00, then silence (no closing at 12:00, nothing in the afternoon).
    const f = figures(dayRange(TZ, DAY), [change('staffed', '09:00'), change('absent', '10:00')]);
    // Absent 10:00-12:00 (120 min, one absence); 13:00-17:00 unknown.
    expect(f).toMatchObject({ staffedMs: 60 * MIN, absences: 1, absenceMs: 120 * MIN, unknownMs: 240 * MIN });
    // A staffed Monday afternoon says nothing about Tuesday morning.
    const tuesday = figures(dayRange(TZ, '2024-03-05'), [seen('staffed', '2024-03-04', '13:00')]);
    expect(tuesday).toMatchObject({ staffedMs: 0, unknownMs: 420 * MIN });
    // Open around the clock, a state carries over midnight: there is no boundary to report.
    const always = { weekdays: [] as string[], open: ['00:00-24:00'], makeupWorkdays: ['2024-03-04', '2024-03-05'] };
    const range = dayRange(TZ, '2024-03-05');
    const open = openIntervals(always as never, TZ, on('2024-03-04', '00:00'), range.end);
    const carried = totalFigures(
      windowPeriodFigures({
        range,
        scheduled: open,
        changes: [seen('staffed', '2024-03-04', '20:00')],
        cases: [],
        absenceAfterMs: 10 * MIN,
      }),
    );
    expect(carried).toMatchObject({ scheduledMs: 1440 * MIN, staffedMs: 1440 * MIN, unknownMs: 0 });
  });

  it('a staff id such as __proto__ never reaches a prototype', () => {
    const f = windowPeriodFigures({
      range: dayRange(TZ, DAY),
      scheduled: scheduled(),
      changes: [],
      cases: [kase('c1', '__proto__', '09:05', '09:10', '09:10', '09:22', '09:30')],
      absenceAfterMs: 600_000,
    });
    const sum = addStaffFigures({}, f);
    addStaffFigures(sum, f);
    expect(Object.keys(sum)).toEqual(['__proto__']);
    expect(sum['__proto__']).toMatchObject({ cases: 2, scheduledMs: 2 * 420 * 60_000 });
    expect(({} as Record<string, unknown>).cases).toBeUndefined();
  });
});

const WINDOWS: WindowInfo[] = [
  { windowId: 'W1', hallId: 'H1', department: 'tax', township: false },
  { windowId: 'W2', hallId: 'H1', department: 'police', township: false },
  { windowId: 'W3', hallId: 'T1', department: 'tax', township: true },
];

const arbitraryDay = fc.record({
  windowIndex: fc.integer({ min: 0, max: WINDOWS.length - 1 }),
  changes: fc.array(
    fc.record({ state: fc.constantFrom('staffed', 'absent', 'unknown', 'closed' as const), minute: fc.integer({ min: 0, max: 1439 }) }),
    { maxLength: 30 },
  ),
  waits: fc.array(
    fc.record({
      minute: fc.integer({ min: 0, max: 1380 }),
      wait: fc.integer({ min: 0, max: 50 }),
      staff: fc.constantFrom('A', 'B', undefined),
    }),
    { maxLength: 10 },
  ),
});

describe('properties', () => {
  const range = dayRange(TZ, DAY);
  type Day = {
    windowIndex: number;
    changes: { state: StateChange['state']; minute: number }[];
    waits: { minute: number; wait: number; staff?: string }[];
  };
  const build = (d: Day) => {
    const windowId = WINDOWS[d.windowIndex].windowId;
    const changes = [...d.changes]
      .sort((a, b) => a.minute - b.minute)
      .map((c) => ({ windowId, hallId: 'H', state: c.state, since: range.start + c.minute * 60_000, at: range.start + c.minute * 60_000 }));
    const cases = d.waits.map((w, i): CaseFacts => {
      const taken = range.start + w.minute * 60_000;
      return {
        caseId: `c${i}`,
        windowId,
        staffId: w.staff,
        takenAt: taken,
        calledAt: taken + w.wait * 60_000,
        startedAt: taken + w.wait * 60_000,
        finishedAt: taken + (w.wait + 5) * 60_000,
        deadline: taken + 30 * 60_000,
      };
    });
    return { windowId, figures: windowPeriodFigures({ range, scheduled: scheduled(range), changes, cases, absenceAfterMs: 600_000 }) };
  };

  it('attendance never exceeds scheduled time and the parts never overlap', () => {
    fc.assert(
      fc.property(arbitraryDay, (d) => {
        const f = totalFigures(build(d).figures);
        expect(f.staffedMs + f.unknownMs + f.absenceMs).toBeLessThanOrEqual(f.scheduledMs);
        expect(f.scheduledMs).toBe(420 * 60_000);
        const rate = attendanceFigures(f).attendanceRate;
        if (rate !== null) expect(rate).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('sums over windows equal the hall totals, and staff totals equal window totals', () => {
    fc.assert(
      fc.property(fc.array(arbitraryDay, { minLength: 1, maxLength: 6 }), (days) => {
        const perWindow = new Map<string, StaffFigures>();
        for (const d of days) {
          const { windowId, figures } = build(d);
          perWindow.set(windowId, addStaffFigures(perWindow.get(windowId) ?? {}, figures));
        }
        const info = new Map(WINDOWS.map((w) => [w.windowId, w]));
        const total = (by: 'window' | 'hall' | 'staff' | 'department') =>
          [...groupFigures(perWindow, info, by).values()].reduce(
            (s, f) => [s[0] + f.scheduledMs, s[1] + f.staffedMs, s[2] + f.unknownMs, s[3] + f.cases, s[4] + f.absences],
            [0, 0, 0, 0, 0],
          );
        expect(total('hall')).toEqual(total('window'));
        expect(total('staff')).toEqual(total('window'));
        expect(total('department')).toEqual(total('window'));
      }),
    );
  });
});
