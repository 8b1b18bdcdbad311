import { groupName, INCIDENT_KIND_COLUMNS, UNASSIGNED_GROUP, type StatsRow } from '@hallwatch/contracts';
import { lastDayOfMonth } from './calendar';
import { ranksWithin } from './evaluation';
import { localDateTime } from './table';

/** A rectification order (督办单) as the notice lists it. */
export const RECTIFICATION_STATES = ['issued', 'responded', 'verified', 'returned', 'overdue'] as const;
export type RectificationState = (typeof RECTIFICATION_STATES)[number];
export interface RectificationOrder {
  id: string;
  state: RectificationState;
  tier: string;
  /** The unit it was sent to. */
  to: string;
  dueAt: string;
}

/** A confirmed incident as the notice counts it: by the department of its window. */
export interface NoticeIncident {
  kind: string;
  windowId?: string;
}

/** A red card as the notice lists it. */
export interface NoticeCard {
  caseId: string;
  windowId: string;
  department: string;
  serviceItem: string;
  /** When the case passed its deadline (ISO 8601). */
  at: string;
}

export interface NoticeInput {
  /** YYYY-MM. */
  month: string;
  /** Who issues it: the main hall's name ("XX区行政审批服务大厅"). */
  office: string;
  /** The signed-in user, or the CLI's writer. */
  issuer: string;
  generatedAt: number;
  timeZone: string;
  /** The evaluation table (libs/stats evaluationRows) of the month by window, and by department for this and the previous month. */
  windows: readonly StatsRow[];
  departments: readonly StatsRow[];
  previousDepartments: readonly StatsRow[];
  windowNames: Readonly<Record<string, string>>;
  /** The department of each window of the site. */
  windowDepartments: Readonly<Record<string, string>>;
  /** The month's incidents whose decision is `confirmed`. */
  confirmedIncidents: readonly NoticeIncident[];
  /** The month's red cards. */
  redCards: readonly NoticeCard[];
  rectificationOrders: readonly RectificationOrder[];
}

/** The score and the inputs a ranking row shows (the evaluation row's own figures, not recomputed). */
export interface NoticeRankRow {
  /** Competition rank by score (1, 2, 2, 4); null for a unit without a score. */
  rank: number | null;
  /** The window's or department's id. */
  key: string;
  name: string;
  /** A window's department. */
  department?: string;
  score: number | null;
  baseScore: number | null;
  deductions: number | null;
  attendanceRate: number | null;
  onTimeRate: number | null;
  meanSatisfaction: number | null;
  casesHandled: number | null;
  absenceIncidentsConfirmed: number | null;
  verifiedComplaints: number | null;
  redCards: number | null;
}

export interface NoticeIncidentRow {
  department: string;
  /** Counts by incident kind (INCIDENT_KIND_COLUMNS' kinds that occur). */
  byKind: Record<string, number>;
  total: number;
}

export interface MonthlyNotice {
  title: string;
  month: string;
  /** First and last local date of the month. */
  from: string;
  to: string;
  /** Local time with its zone: "2024-04-01 09:00（Asia/Shanghai）". */
  generatedAt: string;
  issuer: string;
  windowRanking: NoticeRankRow[];
  departmentRanking: NoticeRankRow[];
  incidentsByUnit: NoticeIncidentRow[];
  confirmedIncidents: number;
  redCards: NoticeCard[];
  overdueOrders: RectificationOrder[];
  returnedOrders: RectificationOrder[];
  /** Departments with the lowest score both this month and the previous one. */
  bottomTwoMonths: { department: string; score: number; previousScore: number }[];
}

/** Where an incident without a window is counted: the statistics' name for an unassigned group (未指定). */
export const NO_UNIT = groupName('department', UNASSIGNED_GROUP, { windows: {}, halls: {} }, 'zh');

const num = (v: StatsRow[string]) => (typeof v === 'number' ? v : null);

function rankRows(rows: readonly StatsRow[], keyColumn: 'window' | 'department', input: NoticeInput): NoticeRankRow[] {
  const ranks = ranksWithin(
    rows,
    (r) => num(r.score),
    () => 'all',
  );
  const ranked = rows.map((r, i) => {
    const key = String(r[keyColumn]);
    return {
      rank: ranks[i],
      key,
      name: keyColumn === 'window' ? (input.windowNames[key] ?? key) : key,
      ...(keyColumn === 'window' ? { department: input.windowDepartments[key] ?? NO_UNIT } : {}),
      score: num(r.score),
      baseScore: num(r.baseScore),
      deductions: num(r.deductions),
      attendanceRate: num(r.attendanceRate),
      onTimeRate: num(r.onTimeRate),
      meanSatisfaction: num(r.meanSatisfaction),
      casesHandled: num(r.casesHandled),
      absenceIncidentsConfirmed: num(r.absenceIncidentsConfirmed),
      verifiedComplaints: num(r.verifiedComplaints),
      redCards: num(r.redCards),
    };
  });
  // Ranked first by rank, unscored last; ties by key so the order is the same every time.
  return ranked.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The departments with the lowest score of a table (all of them when tied). */
function bottom(rows: readonly StatsRow[]): Map<string, number> {
  const scored = rows.filter((r) => typeof r.score === 'number' && typeof r.department === 'string');
  const lowest = Math.min(...scored.map((r) => r.score as number));
  return new Map(scored.filter((r) => r.score === lowest).map((r) => [r.department as string, lowest]));
}

/**
 * The monthly notice (月度通报) of one month: the evaluation's ranking of windows and departments,
 * confirmed incidents by unit, red cards, overdue and returned rectification orders, and the
 * departments at the bottom two months running. Plain content, rendered by noticeDocx / noticeHtml.
 */
export function monthlyNotice(input: NoticeInput): MonthlyNotice {
  const [year, month] = input.month.split('-').map(Number);
  const incidents = new Map<string, NoticeIncidentRow>();
  for (const i of input.confirmedIncidents) {
    const department = (i.windowId && input.windowDepartments[i.windowId]) || NO_UNIT;
    const row = incidents.get(department) ?? { department, byKind: {}, total: 0 };
    row.byKind[i.kind] = (row.byKind[i.kind] ?? 0) + 1;
    row.total += 1;
    incidents.set(department, row);
  }
  const now = bottom(input.departments);
  const before = bottom(input.previousDepartments);
  return {
    title: `${input.office}${year}年${month}月效能监察通报`,
    month: input.month,
    from: `${input.month}-01`,
    to: lastDayOfMonth(input.month),
    generatedAt: `${localDateTime(input.generatedAt, input.timeZone)}（${input.timeZone}）`,
    issuer: input.issuer,
    windowRanking: rankRows(input.windows, 'window', input),
    departmentRanking: rankRows(input.departments, 'department', input),
    incidentsByUnit: [...incidents.values()].sort((a, b) => b.total - a.total || (a.department < b.department ? -1 : 1)),
    confirmedIncidents: input.confirmedIncidents.length,
    redCards: [...input.redCards].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
    overdueOrders: input.rectificationOrders.filter((o) => o.state === 'overdue'),
    returnedOrders: input.rectificationOrders.filter((o) => o.state === 'returned'),
    bottomTwoMonths: [...now]
      .filter(([d]) => before.has(d))
      .map(([department, score]) => ({ department, score, previousScore: before.get(department)! }))
      .sort((a, b) => (a.department < b.department ? -1 : 1)),
  };
}

/** The incident kinds a notice names, in the statistics' order, with their Chinese names. */
export const NOTICE_INCIDENT_KINDS = INCIDENT_KIND_COLUMNS.filter((c) => c.incidentKind !== 'camera-offline').map((c) => ({
  kind: c.incidentKind,
  zh: c.zh,
}));
