import { Figures, StaffFigures, UNASSIGNED, addFigures, emptyFigures, totalFigures } from './figures';
import { DEFAULT_WAIT_TARGET } from '@hallwatch/domain';
import { histogramQuantile, Histogram } from './histogram';
import { INCIDENT_KIND_COLUMNS, INCIDENT_STATUS_COLUMNS, UNASSIGNED_GROUP, type StatsGroupBy } from '@hallwatch/contracts';

/** Where a window belongs, from the site file. */
export interface WindowInfo {
  windowId: string;
  hallId: string;
  department: string;
  /** Its hall is a township service centre. */
  township: boolean;
}

/**
 * The group of `by` that a window's figures, incidents or complaints fall in (staffId for `staff`,
 * UNASSIGNED_GROUP when unknown); undefined outside township centres when grouping by township.
 */
export function groupKeyOf(
  by: StatsGroupBy,
  windowId: string | undefined,
  staffId: string | undefined,
  windows: ReadonlyMap<string, WindowInfo>,
): string | undefined {
  const info = windowId === undefined ? undefined : windows.get(windowId);
  if (by === 'township') return info?.township ? info.hallId : undefined;
  const key = { staff: staffId, window: windowId, department: info?.department, hall: info?.hallId }[by];
  return key === undefined || key === UNASSIGNED ? UNASSIGNED_GROUP : key;
}

/**
 * Sums per-window figures into the groups of `by`. Windows of other halls than township centres
 * fall out of a township grouping; everything else lands in exactly one group, so group totals
 * always add up to the grand total.
 */
export function groupFigures(
  perWindow: ReadonlyMap<string, StaffFigures>,
  windows: ReadonlyMap<string, WindowInfo>,
  by: StatsGroupBy,
): Map<string, Figures> {
  const groups = new Map<string, Figures>();
  const add = (key: string | undefined, f: Figures) => {
    if (key === undefined) return;
    const g = groups.get(key) ?? emptyFigures();
    groups.set(key, addFigures(g, f));
  };
  for (const [windowId, staff] of perWindow) {
    if (by === 'staff') for (const [key, f] of Object.entries(staff)) add(groupKeyOf(by, windowId, key, windows), f);
    else add(groupKeyOf(by, windowId, undefined, windows), totalFigures(staff));
  }
  return groups;
}

const HOUR = 3_600_000;
/** x rounded to `digits` decimals. */
export const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
/** a / b rounded; null when b is not positive (nothing to divide by). */
export const ratio = (a: number, b: number, digits = 4) => (b > 0 ? round(a / b, digits) : null);
const minutes = (seconds: number | null) => (seconds === null ? null : round(seconds / 60, 2));

/** Incident counts by kind and by review status, for one group. */
export interface IncidentCounts {
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  /** Confirmed incidents by kind (what the evaluation deducts for). */
  confirmedByKind: Record<string, number>;
}

export interface AttendanceFigures {
  scheduledHours: number;
  staffedHours: number;
  unknownHours: number;
  /** staffed / (scheduled − unknown); null when nothing was judged. */
  attendanceRate: number | null;
  absentPeriods: number;
  absenceMinutes: number;
  /** absentPeriods and absenceMinutes split by approved leave: unexcused + excused = the total. */
  unexcusedAbsentPeriods: number;
  excusedAbsentPeriods: number;
  unexcusedAbsenceMinutes: number;
  excusedAbsenceMinutes: number;
  /** Absent time inside 暂离 declarations, counted apart from the absences. */
  declaredAwayMinutes: number;
  pausedWhileStaffedMinutes: number;
  openWhileAbsentMinutes: number;
  /** Queue session open, seat seen staffed, nobody called or served (see Figures.idleWhileOpenMs). */
  idleWhileOpenMinutes: number;
}

export function attendanceFigures(f: Readonly<Figures>): AttendanceFigures {
  return {
    scheduledHours: round(f.scheduledMs / HOUR, 3),
    staffedHours: round(f.staffedMs / HOUR, 3),
    unknownHours: round(f.unknownMs / HOUR, 3),
    attendanceRate: ratio(f.staffedMs, f.scheduledMs - f.unknownMs),
    absentPeriods: f.absences,
    absenceMinutes: round(f.absenceMs / 60_000, 2),
    unexcusedAbsentPeriods: f.absences - f.excusedAbsences,
    excusedAbsentPeriods: f.excusedAbsences,
    unexcusedAbsenceMinutes: round((f.absenceMs - f.excusedAbsenceMs) / 60_000, 2),
    excusedAbsenceMinutes: round(f.excusedAbsenceMs / 60_000, 2),
    declaredAwayMinutes: round(f.declaredAwayMs / 60_000, 2),
    pausedWhileStaffedMinutes: round(f.pausedWhileStaffedMs / 60_000, 2),
    openWhileAbsentMinutes: round(f.openWhileAbsentMs / 60_000, 2),
    idleWhileOpenMinutes: round(f.idleWhileOpenMs / 60_000, 2),
  };
}

export interface ThroughputFigures {
  casesHandled: number;
  staffedHours: number;
  casesPerStaffedHour: number | null;
  medianHandlingMinutes: number | null;
  p90HandlingMinutes: number | null;
  medianWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  /** Share of the waits longer than rules.waitTarget (waits to the whole minute, see histogram). */
  waitOverTargetRate: number | null;
  /** Tickets called whose service never started. */
  noShows: number;
  /** Share of cases finished by their deadline. */
  onTimeRate: number | null;
  /** Median wait of citizens who took their ticket during an absence at their window… */
  medianWaitDuringAbsenceMinutes: number | null;
  /** …and of all the others. */
  medianWaitOtherwiseMinutes: number | null;
  /** 好评率: share of the ratings that are 4 or 5. */
  goodRatingRate: number | null;
  /** 差评率: share of the ratings at or below supervision.badRating. */
  badRatingRate: number | null;
  /** 未评价率: share of the cases handled without a rating. */
  unratedRate: number | null;
}

/** How many durations of the histogram are longer than `limitMs`, and how many it holds. */
function countOver(h: Readonly<Histogram>, limitMs: number): { over: number; all: number } {
  let over = 0;
  let all = 0;
  for (const key in h) {
    all += h[key];
    if (Number(key) * 1000 > limitMs) over += h[key];
  }
  return { over, all };
}

/** `waitTargetMs`: site key rules.waitTarget. */
export function throughputFigures(f: Readonly<Figures>, waitTargetMs = DEFAULT_WAIT_TARGET): ThroughputFigures {
  const waits = countOver(f.wait, waitTargetMs);
  return {
    casesHandled: f.cases,
    staffedHours: round(f.staffedMs / HOUR, 3),
    casesPerStaffedHour: ratio(f.cases * HOUR, f.staffedMs, 3),
    medianHandlingMinutes: minutes(histogramQuantile(f.handling, 0.5)),
    p90HandlingMinutes: minutes(histogramQuantile(f.handling, 0.9)),
    medianWaitMinutes: minutes(histogramQuantile(f.wait, 0.5)),
    p90WaitMinutes: minutes(histogramQuantile(f.wait, 0.9)),
    waitOverTargetRate: ratio(waits.over, waits.all),
    noShows: f.noShows,
    onTimeRate: ratio(f.onTime, f.cases),
    medianWaitDuringAbsenceMinutes: minutes(histogramQuantile(f.waitInAbsence, 0.5)),
    medianWaitOtherwiseMinutes: minutes(histogramQuantile(f.waitOtherwise, 0.5)),
    goodRatingRate: ratio(f.goodRatings, f.satisfactionCount),
    badRatingRate: ratio(f.badRatings, f.satisfactionCount),
    unratedRate: ratio(f.cases - f.satisfactionCount, f.cases),
  };
}

export type ReportRow = Record<string, string | number | null>;

/** Attendance rows keyed by the grouping (e.g. { hall: 'H1', scheduledHours: 8, … }), sorted by key. */
export function attendanceRows(
  groups: ReadonlyMap<string, Figures>,
  incidents: ReadonlyMap<string, IncidentCounts>,
  by: StatsGroupBy,
): ReportRow[] {
  const keys = [...new Set([...groups.keys(), ...incidents.keys()])].sort();
  return keys.map((key) => {
    const counts = incidents.get(key);
    const row: ReportRow = { [by]: key, ...attendanceFigures(groups.get(key) ?? emptyFigures()) };
    for (const kind of INCIDENT_KIND_COLUMNS) row[kind.key] = counts?.byKind[kind.incidentKind] ?? 0;
    for (const status of INCIDENT_STATUS_COLUMNS) row[status.key] = counts?.byStatus[status.status] ?? 0;
    return row;
  });
}

/**
 * Throughput rows keyed by the grouping, with the group's yellow and red cards (see cardCounts),
 * sorted by key; `waitTargetMs`: site key rules.waitTarget.
 */
export function throughputRows(
  groups: ReadonlyMap<string, Figures>,
  cards: ReadonlyMap<string, { yellowCards: number; redCards: number }>,
  by: StatsGroupBy,
  ratingOrders: ReadonlyMap<string, RatingOrderCounts> = new Map(),
  waitTargetMs = DEFAULT_WAIT_TARGET,
): ReportRow[] {
  return [...new Set([...groups.keys(), ...cards.keys(), ...ratingOrders.keys()])].sort().map((key) => ({
    [by]: key,
    ...throughputFigures(groups.get(key) ?? emptyFigures(), waitTargetMs),
    yellowCards: cards.get(key)?.yellowCards ?? 0,
    redCards: cards.get(key)?.redCards ?? 0,
    badRatingRectifiedRate: ratio(ratingOrders.get(key)?.verifiedInTime ?? 0, ratingOrders.get(key)?.orders ?? 0),
  }));
}

/** The rectification order a bad rating opened, as the statistics count it: in the group of the rated case's window and staff. */
export interface RatingOrderFacts {
  windowId: string;
  staffId?: string;
  /** Verified by its due time. */
  verifiedInTime: boolean;
}

export interface RatingOrderCounts {
  orders: number;
  verifiedInTime: number;
}

/** 差评整改率's counts per group of `by`: the bad-rating orders, and those verified in time. */
export function ratingOrderCounts(
  orders: readonly RatingOrderFacts[],
  by: StatsGroupBy,
  windows: ReadonlyMap<string, WindowInfo>,
): Map<string, RatingOrderCounts> {
  const counts = new Map<string, RatingOrderCounts>();
  for (const o of orders) {
    const key = groupKeyOf(by, o.windowId, o.staffId, windows);
    if (key === undefined) continue;
    const n = counts.get(key) ?? { orders: 0, verifiedInTime: 0 };
    n.orders += 1;
    if (o.verifiedInTime) n.verifiedInTime += 1;
    counts.set(key, n);
  }
  return counts;
}

/** A yellow or red card as the statistics count it: in the group of its window and staff. */
export interface CardFacts {
  windowId: string;
  staffId?: string;
  color: 'yellow' | 'red';
}

/** Yellow and red cards per group of `by` (see groupKeyOf). */
export function cardCounts(
  cards: readonly CardFacts[],
  by: StatsGroupBy,
  windows: ReadonlyMap<string, WindowInfo>,
): Map<string, { yellowCards: number; redCards: number }> {
  const counts = new Map<string, { yellowCards: number; redCards: number }>();
  for (const c of cards) {
    const key = groupKeyOf(by, c.windowId, c.staffId, windows);
    if (key === undefined) continue;
    const n = counts.get(key) ?? { yellowCards: 0, redCards: 0 };
    if (c.color === 'red') n.redCards += 1;
    else n.yellowCards += 1;
    counts.set(key, n);
  }
  return counts;
}
