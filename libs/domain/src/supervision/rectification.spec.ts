import { ScheduleSpec, workingDaysAfter } from '../schedule/schedule';
import {
  checkRectification,
  isBadRating,
  rectificationDue,
  rectificationIssueRefusal,
  rectificationTier,
  respondTransition,
  verifiedInTime,
  verifyTransition,
} from './rectification';

const TZ = 'Asia/Shanghai';
/** Local time in Asia/Shanghai (UTC+8, no DST). */
const t = (local: string) => Date.parse(`${local}:00+08:00`);
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

describe('workingDaysAfter', () => {
  it('skips the weekend: Fri 10:00 one working day on is Mon 10:00', () => {
    expect(workingDaysAfter(spec, TZ, t('2024-03-08T10:00'), 1)).toBe(t('2024-03-11T10:00'));
    expect(workingDaysAfter(spec, TZ, t('2024-03-09T11:00'), 1)).toBe(t('2024-03-11T11:00')); // from a Saturday
  });

  it('skips the holidays and counts the make-up Sunday', () => {
    // Wed 3 April: Thu 4 and Fri 5 off, Sat 6 off, Sun 7 worked.
    expect(workingDaysAfter(spec, TZ, t('2024-04-03T10:00'), 1)).toBe(t('2024-04-07T10:00'));
    expect(workingDaysAfter(spec, TZ, t('2024-04-03T10:00'), 2)).toBe(t('2024-04-08T10:00'));
  });

  it('counts calendar days on a schedule with no open day', () => {
    expect(workingDaysAfter({ weekdays: [], open: ['09:00-17:00'] }, TZ, t('2024-03-11T10:00'), 2)).toBe(t('2024-03-13T10:00'));
  });
});

describe('rectificationDue', () => {
  it('is due five working days on across a weekend, red five more after', () => {
    // Fri 8 March 15:00: Mon 11 … Fri 15 are the five; then Mon 18 … Fri 22.
    expect(rectificationDue(t('2024-03-08T15:00'), 5, calendar)).toEqual({ dueAt: t('2024-03-15T15:00'), redAt: t('2024-03-22T15:00') });
  });

  it('is due three working days on across Qingming', () => {
    // Tue 2 April 09:30: Wed 3 (1), Thu 4 / Fri 5 holidays, Sat 6 off, Sun 7 make-up (2), Mon 8 (3); then Tue 9, Wed 10, Thu 11.
    expect(rectificationDue(t('2024-04-02T09:30'), 3, calendar)).toEqual({ dueAt: t('2024-04-08T09:30'), redAt: t('2024-04-11T09:30') });
  });

  it('refuses a due period that is not 1 to 60 whole working days, saying so', () => {
    for (const n of [0, -1, 1.5, 61, Number.NaN])
      expect(() => rectificationDue(t('2024-03-08T15:00'), n, calendar)).toThrow(/dueWorkingDays must be a whole number from 1 to 60/);
  });
});

describe('rectificationTier', () => {
  const due = { dueAt: t('2024-03-15T15:00'), redAt: t('2024-03-22T15:00') };
  it('is blue up to the due time, yellow after it, red after the red point', () => {
    expect(rectificationTier(due, t('2024-03-15T15:00'))).toBe('blue');
    expect(rectificationTier(due, t('2024-03-15T15:01'))).toBe('yellow');
    expect(rectificationTier(due, t('2024-03-22T15:00'))).toBe('yellow');
    expect(rectificationTier(due, t('2024-03-22T15:01'))).toBe('red');
  });

  it('stays as it was when verified', () => {
    expect(rectificationTier(due, t('2024-04-30T09:00'), t('2024-03-14T09:00'))).toBe('blue');
    expect(rectificationTier(due, t('2024-04-30T09:00'), t('2024-03-18T09:00'))).toBe('yellow');
    expect(verifiedInTime(due, t('2024-03-15T15:00'))).toBe(true);
    expect(verifiedInTime(due, t('2024-03-15T15:01'))).toBe(false);
    expect(verifiedInTime(due, undefined)).toBe(false);
  });
});

describe('the order cycle', () => {
  it('lets the bureau and the system issue, nobody else', () => {
    expect(rectificationIssueRefusal('supervisor')).toBeUndefined();
    expect(rectificationIssueRefusal('admin')).toBeUndefined();
    expect(rectificationIssueRefusal('system')).toBeUndefined();
    expect(rectificationIssueRefusal('hall_manager')).toMatch(/only a supervisor or admin/);
    expect(rectificationIssueRefusal('evaluator')).toMatch(/only a supervisor or admin/);
  });

  it('lets only a manager of its hall respond, while it waits for the hall', () => {
    expect(respondTransition('hall_manager', true, 'issued')).toEqual({ ok: true, value: 'responded' });
    expect(respondTransition('hall_manager', true, 'returned')).toEqual({ ok: true, value: 'responded' });
    expect(respondTransition('hall_manager', true, 'overdue')).toEqual({ ok: true, value: 'responded' });
    expect(respondTransition('hall_manager', false, 'issued')).toMatchObject({ ok: false, code: 403, reason: /another hall/ });
    expect(respondTransition('supervisor', true, 'issued')).toMatchObject({ ok: false, code: 403 });
    expect(respondTransition('hall_manager', true, 'responded')).toMatchObject({ ok: false, code: 409 });
    expect(respondTransition('hall_manager', true, 'verified')).toMatchObject({ ok: false, code: 409 });
  });

  it('lets the bureau verify or return a responded order only', () => {
    expect(verifyTransition('supervisor', 'responded', true)).toEqual({ ok: true, value: 'verified' });
    expect(verifyTransition('admin', 'responded', false)).toEqual({ ok: true, value: 'returned' });
    expect(verifyTransition('hall_manager', 'responded', true)).toMatchObject({ ok: false, code: 403 });
    expect(verifyTransition('supervisor', 'issued', true)).toMatchObject({ ok: false, code: 409, reason: /the order is issued/ });
    expect(verifyTransition('supervisor', 'verified', false)).toMatchObject({ ok: false, code: 409 });
  });
});

describe('checkRectification', () => {
  const due = { dueAt: t('2024-03-15T15:00'), redAt: t('2024-03-22T15:00') };
  it('does nothing before the due time', () => {
    expect(checkRectification({ ...due, state: 'issued', tier: 'blue' }, t('2024-03-15T15:00'))).toBeUndefined();
  });

  it('turns an order waiting for the hall overdue and yellow past its due time, red later', () => {
    expect(checkRectification({ ...due, state: 'issued', tier: 'blue' }, t('2024-03-15T16:00'))).toEqual({
      state: 'overdue',
      tier: 'yellow',
      actions: ['overdue', 'escalated'],
    });
    expect(checkRectification({ ...due, state: 'overdue', tier: 'yellow' }, t('2024-03-20T09:00'))).toBeUndefined();
    expect(checkRectification({ ...due, state: 'overdue', tier: 'yellow' }, t('2024-03-25T09:00'))).toEqual({
      state: 'overdue',
      tier: 'red',
      actions: ['escalated'],
    });
    // Sent back after its due time: overdue again at once, the tier as it was.
    expect(checkRectification({ ...due, state: 'returned', tier: 'yellow' }, t('2024-03-18T09:00'))).toEqual({
      state: 'overdue',
      tier: 'yellow',
      actions: ['overdue'],
    });
  });

  it('escalates a responded order without making it overdue, and leaves a verified one alone', () => {
    expect(checkRectification({ ...due, state: 'responded', tier: 'blue' }, t('2024-03-18T09:00'))).toEqual({
      state: 'responded',
      tier: 'yellow',
      actions: ['escalated'],
    });
    expect(checkRectification({ ...due, state: 'verified', tier: 'blue' }, t('2024-04-30T09:00'))).toBeUndefined();
  });
});

describe('isBadRating', () => {
  it('is a rating at or below the threshold', () => {
    expect(isBadRating(1, 2)).toBe(true);
    expect(isBadRating(2, 2)).toBe(true);
    expect(isBadRating(3, 2)).toBe(false);
    expect(isBadRating(undefined, 2)).toBe(false);
  });
});
