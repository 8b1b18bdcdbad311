/**
 * Interval arithmetic on half-open [start, end) epoch-millisecond intervals.
 *
 * Every function accepts intervals in any order, overlapping or empty, and returns a
 * normalized list: sorted by start, non-empty, non-overlapping and non-adjacent
 * (touching intervals are merged, since [a, b) and [b, c) cover exactly [a, c)).
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Sorts, drops empty intervals and merges overlapping or touching ones. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: { start: number; end: number }[] = [];
  for (const { start, end } of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else out.push({ start, end });
  }
  return out;
}

/** Time covered by a or b. */
export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return normalize([...a, ...b]);
}

/** Time covered by both a and b. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = normalize(a);
  const y = normalize(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const start = Math.max(x[i].start, y[j].start);
    const end = Math.min(x[i].end, y[j].end);
    if (start < end) out.push({ start, end });
    // Advance whichever ends first; the other may still overlap the next one.
    if (x[i].end < y[j].end) i++;
    else j++;
  }
  return out;
}

/** Time covered by a but not by b. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const cut = normalize(b);
  const out: Interval[] = [];
  for (const piece of normalize(a)) {
    let start = piece.start;
    for (const c of cut) {
      if (c.end <= start) continue;
      if (c.start >= piece.end) break;
      if (c.start > start) out.push({ start, end: c.start });
      start = Math.max(start, c.end);
      if (start >= piece.end) break;
    }
    if (start < piece.end) out.push({ start, end: piece.end });
  }
  return out;
}

/** The part of the intervals inside range. */
export function clip(intervals: readonly Interval[], range: Interval): Interval[] {
  return intersect(intervals, [range]);
}

/** The parts of range not covered by the intervals. */
export function complement(intervals: readonly Interval[], range: Interval): Interval[] {
  return subtract([range], intervals);
}

/** Total covered time in ms; overlapping time counts once. */
export function totalDuration(intervals: readonly Interval[]): number {
  return normalize(intervals).reduce((sum, i) => sum + (i.end - i.start), 0);
}

/** Whether instant t lies in one of the intervals (start inclusive, end exclusive). */
export function contains(intervals: readonly Interval[], t: number): boolean {
  return intervals.some((i) => i.start <= t && t < i.end);
}

/** Scheduled time of a window split into what the cameras showed. */
export interface Attendance {
  scheduled: Interval[];
  /** Scheduled time the seat was seen staffed. */
  staffed: Interval[];
  /** Scheduled time the seat was seen empty. */
  absent: Interval[];
  /** The rest of the scheduled time: nothing could be judged (camera offline, stale or
   *  unjudgeable frames, or no record at all). Never counted as absence. */
  unknown: Interval[];
  scheduledMs: number;
  staffedMs: number;
  absentMs: number;
  unknownMs: number;
}

/**
 * Splits scheduled time into staffed, absent and unknown time, e.g. for a report period:
 * `attendance({ scheduled: openIntervals(spec, tz, from, to), ...presenceIntervals(changes, range) })`.
 * Only positively observed time is staffed or absent (staffed wins where both claim an
 * instant); any scheduled time without a record is unknown. The parts partition the
 * scheduled time, so attendance can never exceed it.
 */
export function attendance(input: {
  scheduled: readonly Interval[];
  staffed: readonly Interval[];
  absent: readonly Interval[];
}): Attendance {
  const scheduled = normalize(input.scheduled);
  const staffed = intersect(input.staffed, scheduled);
  const absent = subtract(intersect(input.absent, scheduled), staffed);
  const unknown = subtract(subtract(scheduled, staffed), absent);
  return {
    scheduled,
    staffed,
    absent,
    unknown,
    scheduledMs: totalDuration(scheduled),
    staffedMs: totalDuration(staffed),
    absentMs: totalDuration(absent),
    unknownMs: totalDuration(unknown),
  };
}
