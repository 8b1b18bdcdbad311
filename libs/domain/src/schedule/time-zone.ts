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

/** Offsets change only at transitions on a quarter hour of UTC (every zone in use): one lookup per quarter. */
const QUARTER = 15 * MINUTE;
/** Offset per `zone|quarter`; null for a quarter with a transition inside (looked up each time). */
const quarterOffsets = new Map<string, number | null>();
const MAX_CACHED_QUARTERS = 100_000;

/** Local wall-clock time minus UTC at instant `at`, in ms (+8 h for Asia/Shanghai). */
export function offsetAt(timeZone: string, at: number): number {
  const quarter = Math.floor(at / QUARTER);
  const key = `${timeZone}|${quarter}`;
  let offset = quarterOffsets.get(key);
  if (offset === undefined) {
    // Intl is slow (schedules ask for thousands of offsets): keep the answer of a quarter whose two ends agree.
    const first = formattedOffset(timeZone, quarter * QUARTER);
    offset = first === formattedOffset(timeZone, (quarter + 1) * QUARTER - 1) ? first : null;
    if (quarterOffsets.size >= MAX_CACHED_QUARTERS) quarterOffsets.clear();
    quarterOffsets.set(key, offset);
  }
  return offset ?? formattedOffset(timeZone, at);
}

function formattedOffset(timeZone: string, at: number): number {
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
