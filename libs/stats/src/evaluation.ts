import type { StatsGroupBy } from '@hallwatch/contracts';
import type { EvaluationWeights } from '@hallwatch/domain';
import { emptyFigures, Figures, StaffFigures } from './figures';
import {
  attendanceFigures,
  CardFacts,
  cardCounts,
  groupFigures,
  groupKeyOf,
  IncidentCounts,
  ratio,
  ReportRow,
  round,
  throughputFigures,
  WindowInfo,
} from './report';

/** Incident kind of a window open for calling in the queue system while its seat is empty; counted by name. */
export const QUEUE_MISMATCH_KIND = 'queue-open-seat-empty';

/** Complaints and incidents of one group, as the evaluation counts them. */
export interface EvaluationCounts {
  /** Absence incidents whose final decision is `confirmed` (open, closed, appealed or dismissed ones are not). */
  absenceIncidentsConfirmed: number;
  /** Every queue-open-seat-empty incident, whatever its status… */
  queueMismatchIncidents: number;
  /** …and those confirmed, which are deducted. */
  queueMismatchesConfirmed: number;
  verifiedComplaints: number;
  /** verified: false. */
  unverifiedComplaints: number;
  /** verified: "pending". */
  pendingComplaints: number;
  /** Yellow cards (warnings, counted only) and red cards (deducted) whose case crossed the threshold in the period. */
  yellowCards: number;
  redCards: number;
}

export function emptyEvaluationCounts(): EvaluationCounts {
  return {
    absenceIncidentsConfirmed: 0,
    queueMismatchIncidents: 0,
    queueMismatchesConfirmed: 0,
    verifiedComplaints: 0,
    unverifiedComplaints: 0,
    pendingComplaints: 0,
    yellowCards: 0,
    redCards: 0,
  };
}

/** Every figure the score is computed from, rounded as shown: the score is recomputable from the row. */
export interface EvaluationInputs extends EvaluationCounts {
  scheduledHours: number;
  staffedHours: number;
  unknownHours: number;
  /** Absence (runs past absenceAfter) covered by approved leave, and the rest. */
  excusedAbsenceMinutes: number;
  unexcusedAbsenceMinutes: number;
  /** Absent time inside 暂离 declarations (no absence's), shown so evaluators see it. */
  declaredAwayMinutes: number;
  /** staffed / (scheduled − unknown − excused absence); null when nothing was judged. */
  attendanceRate: number | null;
  casesHandled: number;
  casesPerStaffedHour: number | null;
  onTimeRate: number | null;
  ratings: number;
  meanSatisfaction: number | null;
  /** Share of ratings ≤ 2. */
  lowSatisfactionShare: number | null;
}

const HOUR = 3_600_000;

export function evaluationInputs(f: Readonly<Figures>, counts: Readonly<EvaluationCounts>): EvaluationInputs {
  const excusedMs = f.excusedAbsenceMs;
  const attendance = attendanceFigures(f);
  const throughput = throughputFigures(f);
  return {
    scheduledHours: attendance.scheduledHours,
    staffedHours: attendance.staffedHours,
    unknownHours: attendance.unknownHours,
    excusedAbsenceMinutes: round(excusedMs / 60_000, 2),
    unexcusedAbsenceMinutes: round((f.absenceMs - excusedMs) / 60_000, 2),
    declaredAwayMinutes: attendance.declaredAwayMinutes,
    attendanceRate: ratio(f.staffedMs, f.scheduledMs - f.unknownMs - excusedMs),
    casesHandled: f.cases,
    casesPerStaffedHour: ratio(f.cases * HOUR, f.staffedMs, 3),
    onTimeRate: throughput.onTimeRate,
    ratings: f.satisfactionCount,
    meanSatisfaction: ratio(f.satisfactionSum, f.satisfactionCount, 2),
    lowSatisfactionShare: ratio(f.lowSatisfaction, f.satisfactionCount),
    ...counts,
  };
}

export interface EvaluationScore {
  /** 100 × Σ weight × component / Σ weight, over the components that could be measured; null when none. */
  baseScore: number | null;
  /** Points off for confirmed absence incidents, verified complaints, confirmed queue mismatches and red cards. */
  deductions: number;
  /** max(0, baseScore − deductions), 2 decimals; null when baseScore is. */
  score: number | null;
}

/** No cases at all means no case feed (a window without a queue system), not zero work: unmeasured. */
function throughputComponent(inputs: Readonly<EvaluationInputs>, target: number): number | null {
  if (inputs.casesHandled === 0 || inputs.casesPerStaffedHour === null || target <= 0) return null;
  return Math.min(1, inputs.casesPerStaffedHour / target);
}

/**
 * The score of one group from its shown inputs. A component that could not be measured (no time
 * judged, no cases, no ratings) is left out and the others share its weight, so a window without
 * a queue system is neither rewarded nor punished for it.
 */
export function evaluationScore(inputs: Readonly<EvaluationInputs>, w: Readonly<EvaluationWeights>): EvaluationScore {
  const components: [number, number | null][] = [
    [w.attendance, inputs.attendanceRate],
    [w.onTime, inputs.onTimeRate],
    [w.satisfaction, inputs.meanSatisfaction === null ? null : (inputs.meanSatisfaction - 1) / 4],
    [w.throughput, throughputComponent(inputs, w.throughputTarget)],
  ];
  const measured = components.filter((c): c is [number, number] => c[1] !== null && c[0] > 0);
  const weight = measured.reduce((sum, [wi]) => sum + wi, 0);
  const deductions = round(
    w.absenceIncident * inputs.absenceIncidentsConfirmed +
      w.verifiedComplaint * inputs.verifiedComplaints +
      w.queueMismatch * inputs.queueMismatchesConfirmed +
      w.redCard * inputs.redCards,
    2,
  );
  if (weight === 0) return { baseScore: null, deductions, score: null };
  const base = (100 * measured.reduce((sum, [wi, x]) => sum + wi * x, 0)) / weight;
  return { baseScore: round(base, 2), deductions, score: round(Math.max(0, round(base, 2) - deductions), 2) };
}

/**
 * Competition ranks (1, 2, 2, 4) by score, highest first, among the items sharing a non-null
 * `within`; null for an item without a score or without a place.
 */
export function ranksWithin<T>(items: readonly T[], score: (t: T) => number | null, within: (t: T) => string | null): (number | null)[] {
  return items.map((item) => {
    const own = score(item);
    const place = within(item);
    if (own === null || place === null) return null;
    return 1 + items.filter((other) => within(other) === place && (score(other) ?? -Infinity) > own).length;
  });
}

/** The department and hall a group belongs to: the one all its windows share, else null. */
export interface GroupPlace {
  department: string | null;
  hall: string | null;
}

/** Places of groups from which windows each group drew on (group key, windowId) pairs. */
export function groupPlaces(
  members: Iterable<readonly [string, string]>,
  windows: ReadonlyMap<string, WindowInfo>,
): Map<string, GroupPlace> {
  const seen = new Map<string, { departments: Set<string>; halls: Set<string> }>();
  for (const [key, windowId] of members) {
    const info = windows.get(windowId);
    if (!info) continue;
    const s = seen.get(key) ?? { departments: new Set<string>(), halls: new Set<string>() };
    s.departments.add(info.department);
    s.halls.add(info.hallId);
    seen.set(key, s);
  }
  const only = (set: Set<string>) => (set.size === 1 ? [...set][0] : null);
  return new Map([...seen].map(([key, s]) => [key, { department: only(s.departments), hall: only(s.halls) }]));
}

export interface EvaluationGroup {
  key: string;
  place: GroupPlace;
  figures: Figures;
  counts: EvaluationCounts;
}

/** A complaint as the evaluation counts it. */
export interface ComplaintFacts {
  windowId?: string;
  staffId?: string;
  verified: boolean | 'pending';
}

/**
 * The groups of `by` with what each is judged on: the figures (groupFigures), incident counts by
 * group key (confirmed absences; queue mismatches, all and confirmed), complaints (verified,
 * unfounded and pending apart) and cards (yellow and red), placed by the windows they drew on.
 */
export function evaluationGroups(
  perWindow: ReadonlyMap<string, StaffFigures>,
  incidents: ReadonlyMap<string, IncidentCounts>,
  complaints: readonly ComplaintFacts[],
  by: StatsGroupBy,
  windows: ReadonlyMap<string, WindowInfo>,
  cards: readonly CardFacts[] = [],
): EvaluationGroup[] {
  const figures = groupFigures(perWindow, windows, by);
  const members: [string, string][] = [];
  for (const [windowId, staff] of perWindow)
    for (const staffId of by === 'staff' ? Object.keys(staff) : [undefined]) {
      const key = groupKeyOf(by, windowId, staffId, windows);
      if (key !== undefined) members.push([key, windowId]);
    }
  const counts = new Map<string, EvaluationCounts>();
  for (const [key, c] of incidents)
    counts.set(key, {
      ...emptyEvaluationCounts(),
      absenceIncidentsConfirmed: c.confirmedByKind.absence ?? 0,
      queueMismatchIncidents: c.byKind[QUEUE_MISMATCH_KIND] ?? 0,
      queueMismatchesConfirmed: c.confirmedByKind[QUEUE_MISMATCH_KIND] ?? 0,
    });
  for (const c of complaints) {
    const key = groupKeyOf(by, c.windowId, c.staffId, windows);
    if (key === undefined) continue;
    if (c.windowId !== undefined) members.push([key, c.windowId]);
    const n = counts.get(key) ?? emptyEvaluationCounts();
    if (c.verified === true) n.verifiedComplaints += 1;
    else if (c.verified === false) n.unverifiedComplaints += 1;
    else n.pendingComplaints += 1;
    counts.set(key, n);
  }
  for (const [key, c] of cardCounts(cards, by, windows)) counts.set(key, { ...(counts.get(key) ?? emptyEvaluationCounts()), ...c });
  for (const c of cards) {
    const key = groupKeyOf(by, c.windowId, c.staffId, windows);
    if (key !== undefined) members.push([key, c.windowId]);
  }
  const places = groupPlaces(members, windows);
  return [...new Set([...figures.keys(), ...counts.keys()])].map((key) => ({
    key,
    place: places.get(key) ?? { department: null, hall: null },
    figures: figures.get(key) ?? emptyFigures(),
    counts: counts.get(key) ?? emptyEvaluationCounts(),
  }));
}

/**
 * Share of the scheduled time that could be judged (seen staffed or absent): what the score stands
 * on. Null without scheduled time.
 */
export function coverageOf(f: Readonly<Figures>): number | null {
  return ratio(f.scheduledMs - f.unknownMs, f.scheduledMs);
}

/**
 * The evaluation table's rows, sorted by group key: inputs, weights, score, its coverage and ranks
 * side by side.
 */
export function evaluationRows(groups: readonly EvaluationGroup[], by: StatsGroupBy, w: Readonly<EvaluationWeights>): ReportRow[] {
  const sorted = [...groups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const scored = sorted.map((g) => {
    const inputs = evaluationInputs(g.figures, g.counts);
    return { g, inputs, result: evaluationScore(inputs, w) };
  });
  const byDepartment = ranksWithin(
    scored,
    (s) => s.result.score,
    (s) => s.g.place.department,
  );
  const byHall = ranksWithin(
    scored,
    (s) => s.result.score,
    (s) => s.g.place.hall,
  );
  return scored.map(({ g, inputs, result }, i) => ({
    [by]: g.key,
    ...inputs,
    weightAttendance: w.attendance,
    weightOnTime: w.onTime,
    weightSatisfaction: w.satisfaction,
    weightThroughput: w.throughput,
    throughputTarget: w.throughputTarget,
    deductionPerAbsenceIncident: w.absenceIncident,
    deductionPerVerifiedComplaint: w.verifiedComplaint,
    deductionPerQueueMismatch: w.queueMismatch,
    deductionPerRedCard: w.redCard,
    ...result,
    coverage: coverageOf(g.figures),
    rankDepartment: g.place.department,
    rankInDepartment: byDepartment[i],
    rankHall: g.place.hall,
    rankInHall: byHall[i],
  }));
}
