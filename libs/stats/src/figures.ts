import {
  attendance,
  clip,
  contains,
  DEFAULT_BAD_RATING,
  GOOD_RATING_FROM,
  intersect,
  Interval,
  isBadRating,
  normalize,
  QueueEvent,
  queueSessions,
  StateChange,
  subtract,
  totalDuration,
} from '@hallwatch/domain';
import { addDuration, Histogram, mergeHistogram } from './histogram';

/** Staff key of cases without a staffId, and of scheduled time no case can be tied to. */
export const UNASSIGNED = '';

/** A rating at or below this (of 1-5) counts as low (不满意). */
export const LOW_SATISFACTION = 2;

/** One finished case as the figures need it: times in epoch ms. */
export interface CaseFacts {
  caseId: string;
  windowId: string;
  staffId?: string;
  takenAt: number;
  calledAt: number;
  startedAt: number;
  finishedAt: number;
  deadline: number;
  /** The citizen's rating, 1 (very dissatisfied) to 5, when given. */
  satisfaction?: number;
}

/**
 * A no-show (过号): a ticket called at calledAt (epoch ms) whose service has not started. It
 * counts once its day is over (called and never started); while the day runs it may still start.
 */
export interface NoShowFacts {
  caseId: string;
  windowId: string;
  staffId?: string;
  takenAt: number;
  calledAt: number;
  noShow: true;
}

/** What a window-day counts of its cases: the finished ones and the no-shows. */
export type CountedCase = CaseFacts | NoShowFacts;

export function isNoShow(c: CountedCase): c is NoShowFacts {
  return 'noShow' in c;
}

/** Additive figures of a window (or group) over some time; sums of these are exact. */
export interface Figures {
  scheduledMs: number;
  staffedMs: number;
  /** Scheduled time nothing could be judged (camera offline, unjudgeable, no report yet). */
  unknownMs: number;
  /** Absences: runs of known-empty scheduled time outside 暂离 declarations lasting at least the absence threshold. */
  absences: number;
  absenceMs: number;
  /** Of those, absences that began while the rostered staff was on approved leave… */
  excusedAbsences: number;
  /** …and the absent time within such leave (subsets of absences and absenceMs). */
  excusedAbsenceMs: number;
  /** Known-empty scheduled time inside 暂离 declarations: declared, never part of an absence. */
  declaredAwayMs: number;
  cases: number;
  /** Cases finished no later than their deadline. */
  onTime: number;
  /** Tickets called whose service never started (see NoShowFacts), to the staffId of the case. */
  noShows: number;
  /** finishedAt − startedAt, seconds. */
  handling: Histogram;
  /** calledAt − takenAt of the finished cases, seconds. */
  wait: Histogram;
  /** Waits of citizens whose ticket was taken during an absence at their window, and the others. */
  waitInAbsence: Histogram;
  waitOtherwise: Histogram;
  /** Queue session paused (not calling) while the seat was seen staffed; to the staffId of the session. */
  pausedWhileStaffedMs: number;
  /** Queue session open for calling while the seat was seen empty; unknown seat time counts in neither. */
  openWhileAbsentMs: number;
  /**
   * Queue session open for calling while the seat was seen staffed and nobody was being called or
   * served (no case of the window between its calledAt and finishedAt); to the staffId of the session.
   */
  idleWhileOpenMs: number;
  /** Ratings of the cases: their sum and count (mean = sum / count), and how many were 2 or less. */
  satisfactionSum: number;
  satisfactionCount: number;
  lowSatisfaction: number;
  /** 好评: ratings of GOOD_RATING_FROM (4) or more; 差评: ratings of the site's supervision.badRating or less. */
  goodRatings: number;
  badRatings: number;
}

/** Figures per staff key (UNASSIGNED included). */
export type StaffFigures = Record<string, Figures>;

/** An empty StaffFigures without a prototype, so no staff id (e.g. `__proto__`) reaches one. */
export function staffFigures(): StaffFigures {
  return Object.create(null) as StaffFigures;
}

export function emptyFigures(): Figures {
  return {
    scheduledMs: 0,
    staffedMs: 0,
    unknownMs: 0,
    absences: 0,
    absenceMs: 0,
    excusedAbsences: 0,
    excusedAbsenceMs: 0,
    declaredAwayMs: 0,
    cases: 0,
    onTime: 0,
    noShows: 0,
    handling: {},
    wait: {},
    waitInAbsence: {},
    waitOtherwise: {},
    pausedWhileStaffedMs: 0,
    openWhileAbsentMs: 0,
    idleWhileOpenMs: 0,
    satisfactionSum: 0,
    satisfactionCount: 0,
    lowSatisfaction: 0,
    goodRatings: 0,
    badRatings: 0,
  };
}

/**
 * Adds `from` into `into` and returns `into`. With `durations` false the histograms are left
 * out, for a table that shows no durations (the evaluation): most of the work on a year's rollups.
 */
export function addFigures(into: Figures, from: Readonly<Figures>, durations = true): Figures {
  into.scheduledMs += from.scheduledMs;
  into.staffedMs += from.staffedMs;
  into.unknownMs += from.unknownMs;
  into.absences += from.absences;
  into.absenceMs += from.absenceMs;
  // Rollups stored before leaves existed lack the excused figures.
  into.excusedAbsences += from.excusedAbsences ?? 0;
  into.excusedAbsenceMs += from.excusedAbsenceMs ?? 0;
  // And those stored before 暂离 the declared time.
  into.declaredAwayMs += from.declaredAwayMs ?? 0;
  into.cases += from.cases;
  into.onTime += from.onTime;
  if (durations) {
    mergeHistogram(into.handling, from.handling);
    mergeHistogram(into.wait, from.wait);
    mergeHistogram(into.waitInAbsence, from.waitInAbsence);
    mergeHistogram(into.waitOtherwise, from.waitOtherwise);
  }
  // Rollups stored before queue sessions were counted lack these.
  into.pausedWhileStaffedMs += from.pausedWhileStaffedMs ?? 0;
  into.openWhileAbsentMs += from.openWhileAbsentMs ?? 0;
  // Rollups stored before waiting times were counted lack these.
  into.noShows += from.noShows ?? 0;
  into.idleWhileOpenMs += from.idleWhileOpenMs ?? 0;
  // Rollups stored before ratings were counted lack the fields: they add nothing.
  into.satisfactionSum += from.satisfactionSum ?? 0;
  into.satisfactionCount += from.satisfactionCount ?? 0;
  into.lowSatisfaction += from.lowSatisfaction ?? 0;
  // Rollups stored before 好评/差评 were counted lack these.
  into.goodRatings += from.goodRatings ?? 0;
  into.badRatings += from.badRatings ?? 0;
  return into;
}

/** Adds `from` into `into` (which must have no prototype: see staffFigures) and returns `into`; `durations` as in addFigures. */
export function addStaffFigures(into: StaffFigures, from: Readonly<StaffFigures>, durations = true): StaffFigures {
  for (const [staff, figures] of Object.entries(from)) {
    if (!Object.prototype.hasOwnProperty.call(into, staff))
      Object.defineProperty(into, staff, { value: emptyFigures(), enumerable: true, writable: true, configurable: true });
    addFigures(into[staff], figures, durations);
  }
  return into;
}

export function totalFigures(staff: Readonly<StaffFigures>): Figures {
  return Object.values(staff).reduce((sum, f) => addFigures(sum, f), emptyFigures());
}

/**
 * The staff a window-day's time is attributed to when grouping by staff: whoever handled the
 * most of its cases (ties: the smallest id); UNASSIGNED when it had none.
 */
export function dutyStaff(cases: readonly CountedCase[]): string {
  const counts = new Map<string, number>();
  for (const c of cases) if (!isNoShow(c)) counts.set(c.staffId ?? UNASSIGNED, (counts.get(c.staffId ?? UNASSIGNED) ?? 0) + 1);
  let best = UNASSIGNED;
  let most = 0;
  for (const [staff, n] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (n > most) [best, most] = [staff, n];
  }
  return best;
}

export interface WindowPeriodInput {
  /** The period, e.g. one local day. */
  range: Interval;
  /**
   * Open time of the window (openIntervals of its schedule) over at least the period; from the
   * first change on when that is earlier, so a state carried in knows the boundaries it crossed.
   */
  scheduled: readonly Interval[];
  /** The window's state changes in order: the last one before range.start (if any) and those within. */
  changes: readonly StateChange[];
  /** Cases whose ticket was taken within range: finished ones and no-shows. */
  cases: readonly CountedCase[];
  /** The window's queue events in time order: the last one before range.start (if any) and those within. */
  queue?: readonly QueueEvent[];
  absenceAfterMs: number;
  /** Where the window's empty seat is excused by approved leave (excusedIntervals); default none. */
  excused?: readonly Interval[];
  /** The window's 暂离 declarations (declaredTime); default none. */
  declared?: readonly Interval[];
  /** The present: time from here on has not happened and counts as nothing (default: never). */
  now?: number;
  /** Site key supervision.badRating: a rating at or below it is a 差评 (default 2). */
  badRating?: number;
}

/** Where the schedule period (an open interval, or the closed gap before one) around `t` ends. */
function periodEnd(open: readonly Interval[], t: number): number {
  for (const i of open) {
    if (t < i.start) return i.start;
    if (t < i.end) return i.end;
  }
  return Infinity;
}

/**
 * The time a window was observed staffed and absent within `range`. A state lasts until the next
 * change, but never past the next boundary of the schedule: inference reports a change at every
 * opening and closing it lives through, so a boundary without one means nobody was watching and
 * the time after it is unknown. `closed` is never absent.
 */
export function observedPresence(
  changes: readonly StateChange[],
  open: readonly Interval[],
  range: Interval,
): { staffed: Interval[]; absent: Interval[] } {
  const staffed: Interval[] = [];
  const absent: Interval[] = [];
  changes.forEach((c, i) => {
    const end = Math.min(i + 1 < changes.length ? changes[i + 1].since : range.end, periodEnd(open, c.since));
    if (c.state === 'staffed') staffed.push({ start: c.since, end });
    else if (c.state === 'absent') absent.push({ start: c.since, end });
  });
  return { staffed: clip(staffed, range), absent: clip(absent, range) };
}

/**
 * Figures of one window for a period: attendance from schedule × presence, throughput from the
 * cases. Only what happened counts: scheduled time ends at `now`, and time before the first
 * change or after a state's last schedule boundary (see observedPresence) is unknown, never
 * absent. Attendance goes to the duty staff, cases to their own, queue session time to the
 * staffId of its queue events. No-shows count only once the period is over.
 */
export function windowPeriodFigures(input: WindowPeriodInput): StaffFigures {
  const open = normalize(input.scheduled);
  const past = { start: input.range.start, end: Math.max(input.range.start, Math.min(input.range.end, input.now ?? Infinity)) };
  const states = observedPresence(input.changes, open, past);
  const split = attendance({ scheduled: clip(open, past), staffed: states.staffed, absent: states.absent });
  // Declared time is no absence's: past a declaration an absence counts from its end, as in inference.
  const declared = normalize(input.declared ?? []);
  const absences = subtract(split.absent, declared).filter((i) => i.end - i.start >= input.absenceAfterMs);

  const out = staffFigures();
  const duty = (out[dutyStaff(input.cases)] = emptyFigures());
  duty.scheduledMs = split.scheduledMs;
  duty.staffedMs = split.staffedMs;
  duty.unknownMs = split.unknownMs;
  duty.absences = absences.length;
  duty.absenceMs = absences.reduce((sum, i) => sum + i.end - i.start, 0);
  const excused = normalize(input.excused ?? []);
  duty.excusedAbsences = absences.filter((i) => contains(excused, i.start)).length;
  duty.excusedAbsenceMs = totalDuration(intersect(absences, excused));
  duty.declaredAwayMs = totalDuration(intersect(split.absent, declared));

  const over = past.end >= input.range.end;
  for (const c of input.cases) {
    if (isNoShow(c)) {
      if (over) (out[c.staffId ?? UNASSIGNED] ??= emptyFigures()).noShows += 1;
      continue;
    }
    const f = (out[c.staffId ?? UNASSIGNED] ??= emptyFigures());
    const waitSeconds = (c.calledAt - c.takenAt) / 1000;
    f.cases += 1;
    if (c.finishedAt <= c.deadline) f.onTime += 1;
    addDuration(f.handling, (c.finishedAt - c.startedAt) / 1000);
    addDuration(f.wait, waitSeconds);
    addDuration(contains(absences, c.takenAt) ? f.waitInAbsence : f.waitOtherwise, waitSeconds);
    if (c.satisfaction !== undefined) {
      f.satisfactionSum += c.satisfaction;
      f.satisfactionCount += 1;
      if (c.satisfaction <= LOW_SATISFACTION) f.lowSatisfaction += 1;
      if (c.satisfaction >= GOOD_RATING_FROM) f.goodRatings += 1;
      if (isBadRating(c.satisfaction, input.badRating ?? DEFAULT_BAD_RATING)) f.badRatings += 1;
    }
  }
  // From calling a ticket until its case is finished the window is busy.
  const busy = input.cases.flatMap((c) => (isNoShow(c) ? [] : [{ start: c.calledAt, end: c.finishedAt }]));
  for (const [staffId, session] of queueSessions(input.queue ?? [], past)) {
    const f = (out[staffId] ??= emptyFigures());
    const openWhileStaffed = intersect(session.open, split.staffed);
    f.pausedWhileStaffedMs += totalDuration(intersect(session.paused, split.staffed));
    f.openWhileAbsentMs += totalDuration(intersect(session.open, split.absent));
    f.idleWhileOpenMs += totalDuration(subtract(openWhileStaffed, busy));
  }
  return out;
}
