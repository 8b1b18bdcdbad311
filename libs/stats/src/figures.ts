import { attendance, contains, Interval, presenceIntervals, StateChange, union } from '@hallwatch/domain';
import { addDuration, Histogram, mergeHistogram } from './histogram';

/** Staff key of cases without a staffId, and of scheduled time no case can be tied to. */
export const UNASSIGNED = '';

/** One case as the figures need it: times in epoch ms. */
export interface CaseFacts {
  caseId: string;
  windowId: string;
  staffId?: string;
  takenAt: number;
  calledAt: number;
  startedAt: number;
  finishedAt: number;
  deadline: number;
}

/** Additive figures of a window (or group) over some time; sums of these are exact. */
export interface Figures {
  scheduledMs: number;
  staffedMs: number;
  /** Scheduled time nothing could be judged (camera offline, unjudgeable, no report yet). */
  unknownMs: number;
  /** Absences: runs of known-empty scheduled time lasting at least the absence threshold. */
  absences: number;
  absenceMs: number;
  cases: number;
  /** Cases finished no later than their deadline. */
  onTime: number;
  /** finishedAt − startedAt, seconds. */
  handling: Histogram;
  /** calledAt − takenAt, seconds. */
  wait: Histogram;
  /** Waits of citizens whose ticket was taken during an absence at their window, and the others. */
  waitInAbsence: Histogram;
  waitOtherwise: Histogram;
}

/** Figures per staff key (UNASSIGNED included). */
export type StaffFigures = Record<string, Figures>;

export function emptyFigures(): Figures {
  return {
    scheduledMs: 0,
    staffedMs: 0,
    unknownMs: 0,
    absences: 0,
    absenceMs: 0,
    cases: 0,
    onTime: 0,
    handling: {},
    wait: {},
    waitInAbsence: {},
    waitOtherwise: {},
  };
}

/** Adds `from` into `into` and returns `into`. */
export function addFigures(into: Figures, from: Readonly<Figures>): Figures {
  into.scheduledMs += from.scheduledMs;
  into.staffedMs += from.staffedMs;
  into.unknownMs += from.unknownMs;
  into.absences += from.absences;
  into.absenceMs += from.absenceMs;
  into.cases += from.cases;
  into.onTime += from.onTime;
  mergeHistogram(into.handling, from.handling);
  mergeHistogram(into.wait, from.wait);
  mergeHistogram(into.waitInAbsence, from.waitInAbsence);
  mergeHistogram(into.waitOtherwise, from.waitOtherwise);
  return into;
}

export function addStaffFigures(into: StaffFigures, from: Readonly<StaffFigures>): StaffFigures {
  for (const [staff, figures] of Object.entries(from)) addFigures((into[staff] ??= emptyFigures()), figures);
  return into;
}

export function totalFigures(staff: Readonly<StaffFigures>): Figures {
  return Object.values(staff).reduce((sum, f) => addFigures(sum, f), emptyFigures());
}

/**
 * The staff a window-day's time is attributed to when grouping by staff: whoever handled the
 * most of its cases (ties: the smallest id); UNASSIGNED when it had none.
 */
export function dutyStaff(cases: readonly CaseFacts[]): string {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.staffId ?? UNASSIGNED, (counts.get(c.staffId ?? UNASSIGNED) ?? 0) + 1);
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
  /** Open time of the window within range (openIntervals of its schedule). */
  scheduled: readonly Interval[];
  /** The window's state changes in order: the last one before range.start (if any) and those within. */
  changes: readonly StateChange[];
  /** Cases whose ticket was taken within range. */
  cases: readonly CaseFacts[];
  absenceAfterMs: number;
}

/**
 * Figures of one window for a period: attendance from schedule × presence, throughput from the
 * cases. A state lasts until the next change (the last one until range.end); time before the
 * first change is unknown, never absent. Attendance goes to the duty staff, cases to their own.
 */
export function windowPeriodFigures(input: WindowPeriodInput): StaffFigures {
  const states = presenceIntervals(input.changes, input.range);
  // A window reported closed while its schedule is open was known to be unstaffed.
  const split = attendance({
    scheduled: input.scheduled,
    staffed: states.staffed,
    absent: union(states.absent, states.closed),
  });
  const absences = split.absent.filter((i) => i.end - i.start >= input.absenceAfterMs);

  const out: StaffFigures = {};
  const duty = (out[dutyStaff(input.cases)] = emptyFigures());
  duty.scheduledMs = split.scheduledMs;
  duty.staffedMs = split.staffedMs;
  duty.unknownMs = split.unknownMs;
  duty.absences = absences.length;
  duty.absenceMs = absences.reduce((sum, i) => sum + i.end - i.start, 0);

  for (const c of input.cases) {
    const f = (out[c.staffId ?? UNASSIGNED] ??= emptyFigures());
    const waitSeconds = (c.calledAt - c.takenAt) / 1000;
    f.cases += 1;
    if (c.finishedAt <= c.deadline) f.onTime += 1;
    addDuration(f.handling, (c.finishedAt - c.startedAt) / 1000);
    addDuration(f.wait, waitSeconds);
    addDuration(contains(absences, c.takenAt) ? f.waitInAbsence : f.waitOtherwise, waitSeconds);
  }
  return out;
}
