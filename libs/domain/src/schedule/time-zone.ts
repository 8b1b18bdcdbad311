/**
 * IANA time-zone conversion with Intl.DateTimeFormat only. Civil dates are handled as
 * "day numbers" (days since 1970-01-01 on the proleptic Gregorian calendar), which makes
 * date arithmetic plain integer arithmetic.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the value if it is not a time zone Intl knows. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`unknown time zone "${timeZone}"`);
  }
}

/** Local wall-clock time minus UTC at instant `at`, in ms (+8 h for Asia/Shanghai). */
export function offsetAt(timeZone: string, at: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const wholeSeconds = Math.floor(at / 1000) * 1000;
  return wall - wholeSeconds;
}

/** Day number of the local calendar date at instant `at`. */
export function localDay(timeZone: string, at: number): number {
  return Math.floor((at + offsetAt(timeZone, at)) / DAY);
}

/**
 * The instant at which local wall-clock time `minutes` after midnight of local day `day`
 * occurs (minutes may be 1440 = midnight of the next day). Wall times skipped by a DST
 * gap map forward by the gap's length; wall times repeated by a DST fold map to the later
 * occurrence.
 */
export function localToEpoch(timeZone: string, day: number, minutes: number): number {
  const wall = day * DAY + minutes * MINUTE;
  // Offset in force just before the wall time; correct except inside a gap, where using
  // the earlier offset is exactly what shifts the time forward.
  const offset = offsetAt(timeZone, wall - offsetAt(timeZone, wall));
  return wall - offset;
}

/** Day number of a 'YYYY-MM-DD' date (not validated here). */
export function dayOfDate(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY;
}

/** 'YYYY-MM-DD' of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDay(day: number): number {
  return new Date(day * DAY).getUTCDay();
}
