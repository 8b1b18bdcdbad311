import { Interval, openIntervals } from '@hallwatch/domain';

const DAY = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether text is a real calendar date written YYYY-MM-DD. */
export function isDate(text: string): boolean {
  return DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date ('YYYY-MM-DD') of an instant in a time zone. */
export function localDate(timeZone: string, at: number): string {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(at);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * The instants of local date `date` in a time zone, [midnight, next midnight). The schedule code
 * of @hallwatch/domain already knows local midnights: a one-day schedule open from 00:00 is
 * exactly that day.
 */
export function dayRange(timeZone: string, date: string): Interval {
  const key = `${timeZone} ${date}`;
  const known = dayRanges.get(key);
  if (known) return known;
  const around = Date.parse(`${date}T00:00:00Z`);
  const startOf = (d: string) =>
    openIntervals({ weekdays: [], open: ['00:00-23:59'], makeupWorkdays: [d] }, timeZone, around - 2 * DAY, around + 3 * DAY)[0].start;
  const range = { start: startOf(date), end: startOf(addDays(date, 1)) };
  // Rollups and reports ask for the same days over and over; a day's bounds never change.
  if (dayRanges.size >= 100_000) dayRanges.clear();
  dayRanges.set(key, range);
  return range;
}
const dayRanges = new Map<string, Interval>();

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The last date of a month written YYYY-MM: the day before the next month's first. */
export function lastDayOfMonth(month: string): string {
  return addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
}
