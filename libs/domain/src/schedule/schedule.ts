import { Interval, normalize } from '../intervals/intervals';
import { assertTimeZone, dayOfDate, localDay, localToEpoch, weekdayOfDay } from './time-zone';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** When a window or hall is open, in local wall-clock time of a time zone. */
export interface ScheduleSpec {
  weekdays: Weekday[];
  /** Open intervals of an open day, "HH:MM-HH:MM"; "24:00" ends at midnight. */
  open: string[];
  /** 'YYYY-MM-DD' dates closed even if they fall on one of the weekdays. */
  holidays?: string[];
  /** 'YYYY-MM-DD' dates open with the same intervals even on other days (调休 make-up workdays). */
  makeupWorkdays?: string[];
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Indexed by Date#getUTCDay(). */
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY = 86_400_000;

/** A schedule spec is invalid; `issues` names every offending value. */
export class ScheduleError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid schedule: ${issues.join('; ')}`);
    this.name = 'ScheduleError';
  }
}

interface CompiledSchedule {
  weekdays: Set<number>;
  /** Minutes after local midnight, [start, end). */
  open: { start: number; end: number }[];
  holidays: Set<number>;
  makeupWorkdays: Set<number>;
}

const TIME_RANGE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseTime(h: string, m: string, allowMidnightEnd: boolean): number | undefined {
  const hours = Number(h);
  const minutes = Number(m);
  if (allowMidnightEnd && hours === 24 && minutes === 0) return 1440;
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : undefined;
}

function isCalendarDate(text: string): boolean {
  return DATE.test(text) && new Date(dayOfDate(text) * DAY).toISOString().startsWith(text);
}

/** Every problem with a spec, each naming the offending field and value; [] when valid. */
export function validateSchedule(spec: unknown): string[] {
  if (typeof spec !== 'object' || spec === null) return ['schedule: must be an object'];
  const s = spec as Record<string, unknown>;
  const issues: string[] = [];

  if (!Array.isArray(s.weekdays)) issues.push('weekdays: must be an array');
  else
    s.weekdays.forEach((d, i) => {
      if (!WEEKDAYS.includes(d as Weekday)) issues.push(`weekdays[${i}]: ${JSON.stringify(d)} is not one of ${WEEKDAYS.join(', ')}`);
    });

  if (!Array.isArray(s.open) || s.open.length === 0) issues.push('open: must be a non-empty array of "HH:MM-HH:MM"');
  else {
    const ranges: { i: number; start: number; end: number }[] = [];
    s.open.forEach((text, i) => {
      const m = typeof text === 'string' ? TIME_RANGE.exec(text) : null;
      const start = m ? parseTime(m[1], m[2], false) : undefined;
      const end = m ? parseTime(m[3], m[4], true) : undefined;
      if (start === undefined || end === undefined)
        issues.push(`open[${i}]: ${JSON.stringify(text)} is not "HH:MM-HH:MM" (00:00 to 24:00)`);
      else if (end <= start) issues.push(`open[${i}]: "${text}" ends before it starts`);
      else ranges.push({ i, start, end });
    });
    for (const a of ranges)
      for (const b of ranges)
        if (a.i < b.i && a.start < b.end && b.start < a.end)
          issues.push(`open[${b.i}]: "${s.open[b.i]}" overlaps open[${a.i}] "${s.open[a.i]}"`);
  }

  for (const field of ['holidays', 'makeupWorkdays'] as const) {
    const list = s[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) issues.push(`${field}: must be an array of "YYYY-MM-DD"`);
    else
      list.forEach((d, i) => {
        if (typeof d !== 'string' || !isCalendarDate(d))
          issues.push(`${field}[${i}]: ${JSON.stringify(d)} is not a calendar date "YYYY-MM-DD"`);
      });
  }
  if (Array.isArray(s.holidays) && Array.isArray(s.makeupWorkdays)) {
    const makeup = s.makeupWorkdays;
    s.holidays.forEach((d, i) => {
      if (makeup.includes(d)) issues.push(`holidays[${i}]: "${d}" is also listed in makeupWorkdays`);
    });
  }
  return issues;
}

/** Returns the spec typed as a ScheduleSpec, or throws a ScheduleError listing every issue. */
export function parseSchedule(spec: unknown): ScheduleSpec {
  const issues = validateSchedule(spec);
  if (issues.length > 0) throw new ScheduleError(issues);
  return spec as ScheduleSpec;
}

// Specs are treated as immutable values; compiling once per object keeps hot paths cheap.
const compiled = new WeakMap<ScheduleSpec, CompiledSchedule>();

function compile(spec: ScheduleSpec): CompiledSchedule {
  let c = compiled.get(spec);
  if (!c) {
    parseSchedule(spec);
    c = {
      weekdays: new Set(spec.weekdays.map((d) => WEEKDAYS.indexOf(d))),
      open: spec.open
        .map((text) => {
          const [, h1, m1, h2, m2] = TIME_RANGE.exec(text)!;
          return { start: parseTime(h1, m1, false)!, end: parseTime(h2, m2, true)! };
        })
        .sort((a, b) => a.start - b.start),
      holidays: new Set((spec.holidays ?? []).map(dayOfDate)),
      makeupWorkdays: new Set((spec.makeupWorkdays ?? []).map(dayOfDate)),
    };
    compiled.set(spec, c);
  }
  return c;
}

function isOpenDay(c: CompiledSchedule, day: number): boolean {
  if (c.makeupWorkdays.has(day)) return true;
  return c.weekdays.has(weekdayOfDay(day)) && !c.holidays.has(day);
}

/**
 * Open time within [from, to), as normalized intervals (an "00:00-24:00" schedule on
 * consecutive days gives one interval). Throws ScheduleError / RangeError for an invalid
 * spec or time zone.
 */
export function openIntervals(spec: ScheduleSpec, timeZone: string, from: number, to: number): Interval[] {
  const c = compile(spec);
  assertTimeZone(timeZone);
  if (!(to > from)) return [];
  const out: Interval[] = [];
  // One local day of margin on each side covers any UTC offset.
  for (let day = localDay(timeZone, from) - 1; day <= localDay(timeZone, to) + 1; day++) {
    if (!isOpenDay(c, day)) continue;
    for (const r of c.open) {
      const start = Math.max(from, localToEpoch(timeZone, day, r.start));
      const end = Math.min(to, localToEpoch(timeZone, day, r.end));
      if (start < end) out.push({ start, end });
    }
  }
  return normalize(out);
}

/**
 * The instant `n` working days before `at` (n ≥ 1): the same local time of day on the n-th open
 * day (a weekday of the schedule that is no holiday, or a make-up workday) before `at`'s local
 * date. `at` itself may fall on any day. Mon 09:00 one working day back is the Fri before, 09:00.
 * A schedule with no open day in the 10 years before counts calendar days instead.
 */
export function workingDaysBefore(spec: ScheduleSpec, timeZone: string, at: number, n: number): number {
  const c = compile(spec);
  assertTimeZone(timeZone);
  const day = localDay(timeZone, at);
  const timeOfDay = at - localToEpoch(timeZone, day, 0);
  let found = 0;
  for (let d = day - 1; d >= day - 3660; d--) {
    if (isOpenDay(c, d) && ++found === n) return localToEpoch(timeZone, d, 0) + timeOfDay;
  }
  return at - n * DAY;
}

/**
 * The instant `n` working days after `at` (n ≥ 1): the same local time of day on the n-th open
 * day after `at`'s local date (workingDaysBefore's mirror). Fri 10:00 one working day on is the
 * Mon after, 10:00. A schedule with no open day in the next 10 years counts calendar days instead.
 */
export function workingDaysAfter(spec: ScheduleSpec, timeZone: string, at: number, n: number): number {
  const c = compile(spec);
  assertTimeZone(timeZone);
  const day = localDay(timeZone, at);
  const timeOfDay = at - localToEpoch(timeZone, day, 0);
  let found = 0;
  for (let d = day + 1; d <= day + 3660; d++) {
    if (isOpenDay(c, d) && ++found === n) return localToEpoch(timeZone, d, 0) + timeOfDay;
  }
  return at + n * DAY;
}

/** Whether the schedule is open at instant `at`. */
export function isOpen(spec: ScheduleSpec, timeZone: string, at: number): boolean {
  return openIntervals(spec, timeZone, at, at + 1).length > 0;
}

/** A moment the schedule opens or closes. */
export interface ScheduleBoundary {
  at: number;
  /** true: opens at `at`; false: closes at `at`. */
  opens: boolean;
}

/**
 * The first instant strictly after `after` at which the schedule opens or closes, or null
 * if it never changes within about two years (e.g. open 24/7, or no open day left).
 */
export function nextBoundary(spec: ScheduleSpec, timeZone: string, after: number): ScheduleBoundary | null {
  for (let span = 8 * DAY; span <= 512 * DAY; span *= 4) {
    const to = after + span;
    for (const i of openIntervals(spec, timeZone, after - DAY, to)) {
      if (i.start > after) return { at: i.start, opens: true };
      // An end equal to `to` is only where the search was cut off.
      if (i.end > after && i.end < to) return { at: i.end, opens: false };
    }
  }
  return null;
}
