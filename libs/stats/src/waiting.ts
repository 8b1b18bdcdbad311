import { dayRange, datesBetween, localDate } from './calendar';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A hall's persons waiting from `at` on, as inference published it; null: not known (never zero). */
export interface WaitingSample {
  at: number;
  waiting: number | null;
}

/** One hour of a hall's persons waiting: over the known time only, so a camera down makes the hour shorter, not emptier. */
export interface WaitingHour {
  /** The hour's first instant (a local whole hour). */
  start: number;
  /** Time-weighted mean of persons waiting over the known minutes; null when none was known. */
  meanWaiting: number | null;
  /** Most persons waiting at once in the known time; null when none was known. */
  peakWaiting: number | null;
  knownMinutes: number;
}

/**
 * The hours of the local dates `from`..`to` (both included) in a time zone, each 60 minutes from
 * its local midnight: the start of each.
 */
export function localHours(timeZone: string, from: string, to: string): number[] {
  return datesBetween(from, to).flatMap((date) => {
    const { start, end } = dayRange(timeZone, date);
    const hours: number[] = [];
    for (let h = start; h < end; h += HOUR) hours.push(h);
    return hours;
  });
}

/** The start of the local hour holding `at` (60 minutes from its local midnight, as localHours). */
export function localHourStart(timeZone: string, at: number): number {
  const { start } = dayRange(timeZone, localDate(timeZone, at));
  return start + Math.floor((at - start) / HOUR) * HOUR;
}

/**
 * Each hour's mean and peak of persons waiting. A sample stands until the next one, but at most
 * `standMs` (inference publishes a hall's count at least that often while it judges the hall: past
 * it nobody vouched for the count, so the time is unknown). Samples need not be sorted.
 */
export function waitingHours(samples: readonly WaitingSample[], hourStarts: readonly number[], standMs: number): WaitingHour[] {
  const sorted = [...samples].sort((a, b) => a.at - b.at);
  const spans = sorted.map((s, i) => ({
    from: s.at,
    to: Math.min(s.at + standMs, i + 1 < sorted.length ? sorted[i + 1].at : Infinity),
    waiting: s.waiting,
  }));
  return hourStarts.map((start) => {
    const end = start + HOUR;
    let knownMs = 0;
    let personMs = 0;
    let peak: number | null = null;
    for (const s of spans) {
      if (s.waiting === null) continue;
      const ms = Math.min(end, s.to) - Math.max(start, s.from);
      if (ms <= 0) continue;
      knownMs += ms;
      personMs += s.waiting * ms;
      peak = Math.max(peak ?? 0, s.waiting);
    }
    return {
      start,
      meanWaiting: knownMs > 0 ? Math.round((personMs / knownMs) * 100) / 100 : null,
      peakWaiting: peak,
      knownMinutes: Math.round((knownMs / MINUTE) * 100) / 100,
    };
  });
}
