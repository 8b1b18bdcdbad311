/**
 * The statistics tables as people read them: one list of columns (key in the rows, Chinese and
 * English label, how a value reads) shared by the console's statistics page and the exports (CSV,
 * XLSX, `hallwatch report`), so the screen and a downloaded file show the same labels in the same
 * order. The exports are Chinese documents; the console shows the English labels in English.
 *
 * No imports, no Node: apps/web bundles this file as it is. To add a column, add it to a list below
 * (and the figure to the rows: libs/stats report.ts or evaluation.ts).
 */

/** township: township service centres, i.e. halls of kind township. */
export const STATS_GROUP_BYS = ['window', 'staff', 'department', 'hall', 'township'] as const;
export type StatsGroupBy = (typeof STATS_GROUP_BYS)[number];

export const STATS_REPORTS = ['attendance', 'throughput', 'evaluation'] as const;
export type StatsReport = (typeof STATS_REPORTS)[number];

/**
 * Group key of what belongs to no group of its kind: time and cases tied to no staff (grouping by
 * staff: nobody on the roster), complaints without a window.
 */
export const UNASSIGNED_GROUP = 'unassigned';

/**
 * A score judged on less than this share of its scheduled time (coverage = judged / scheduled
 * hours) is flagged next to the score (docs/scoring.md).
 */
export const COVERAGE_WARNING_BELOW = 0.8;

/**
 * How a column's values read: `group` the row's group (a window or hall by its name), `hall` a hall
 * id shown by name, `text` as it is, `count` a whole number, `number` two decimals, `percent` a
 * share shown as % (one decimal), `warning` the coverage warning (derived from the row, not in it).
 */
export type StatsColumnKind = 'group' | 'hall' | 'text' | 'count' | 'number' | 'percent' | 'warning';

export interface StatsColumn {
  key: string;
  zh: string;
  en: string;
  kind: StatsColumnKind;
}

export type StatsLang = 'zh' | 'en';

const col = (key: string, zh: string, en: string, kind: StatsColumnKind): StatsColumn => ({ key, zh, en, kind });

export const GROUP_COLUMNS: Record<StatsGroupBy, StatsColumn> = {
  window: col('window', '窗口', 'Window', 'group'),
  staff: col('staff', '工作人员', 'Staff', 'group'),
  department: col('department', '部门', 'Department', 'group'),
  hall: col('hall', '大厅', 'Hall', 'group'),
  township: col('township', '乡镇中心', 'Township centre', 'group'),
};

/** Incidents by kind: each column counts the incidents of `kind`. */
export const INCIDENT_KIND_COLUMNS: (StatsColumn & { incidentKind: string })[] = [
  ['absence', 'absenceIncidents', '离岗事件', 'Absence incidents'],
  ['late-opening', 'lateOpeningIncidents', '迟到事件', 'Late-opening incidents'],
  ['early-leave', 'earlyLeaveIncidents', '早退事件', 'Early-leave incidents'],
  ['staffing-gap', 'staffingGapIncidents', '缺员事件', 'Staffing-gap incidents'],
  ['camera-offline', 'cameraOfflineIncidents', '摄像头离线事件', 'Camera-offline incidents'],
  ['queue-open-seat-empty', 'queueMismatchIncidents', '叫号空岗事件', 'Queue open, seat empty incidents'],
].map(([incidentKind, key, zh, en]) => ({ ...col(key, zh, en, 'count'), incidentKind }));

/** Incidents by review status: each column counts the incidents in `status`. */
export const INCIDENT_STATUS_COLUMNS: (StatsColumn & { status: string })[] = [
  ['open', 'incidentsOpen', '未结束事件', 'Incidents open'],
  ['closed', 'incidentsClosed', '待复核事件', 'Incidents to review'],
  ['excused', 'incidentsExcused', '已准假事件', 'Incidents excused by leave'],
  ['confirmed', 'incidentsConfirmed', '已确认事件', 'Incidents confirmed'],
  ['dismissed', 'incidentsDismissed', '已驳回事件', 'Incidents dismissed'],
  ['appealed', 'incidentsAppealed', '申诉待决事件', 'Incidents appealed, undecided'],
].map(([status, key, zh, en]) => ({ ...col(key, zh, en, 'count'), status }));

const hours = {
  scheduled: col('scheduledHours', '应在岗时长(小时)', 'Scheduled hours', 'number'),
  staffed: col('staffedHours', '在岗时长(小时)', 'Staffed hours', 'number'),
  unknown: col('unknownHours', '无法判断时长(小时)', 'Unknown hours', 'number'),
};
const absence = {
  unexcusedMinutes: col('unexcusedAbsenceMinutes', '未请假离岗时长(分钟)', 'Unexcused absence minutes', 'number'),
  excusedMinutes: col('excusedAbsenceMinutes', '请假期间离岗时长(分钟)', 'Excused absence minutes', 'number'),
  declaredAwayMinutes: col('declaredAwayMinutes', '暂离时长(分钟)', 'Declared away (暂离) minutes', 'number'),
};
const cases = {
  handled: col('casesHandled', '办件量', 'Cases handled', 'count'),
  perStaffedHour: col('casesPerStaffedHour', '每在岗小时办件量', 'Cases per staffed hour', 'number'),
  onTimeRate: col('onTimeRate', '按时办结率', 'On-time rate', 'percent'),
};

export const ATTENDANCE_COLUMNS: StatsColumn[] = [
  hours.scheduled,
  hours.staffed,
  hours.unknown,
  col('attendanceRate', '出勤率', 'Attendance rate', 'percent'),
  col('absentPeriods', '离岗时段数', 'Absent periods', 'count'),
  col('absenceMinutes', '离岗时长(分钟)', 'Absence minutes', 'number'),
  col('unexcusedAbsentPeriods', '未请假离岗时段数', 'Unexcused absent periods', 'count'),
  col('excusedAbsentPeriods', '请假期间离岗时段数', 'Excused absent periods', 'count'),
  absence.unexcusedMinutes,
  absence.excusedMinutes,
  absence.declaredAwayMinutes,
  col('pausedWhileStaffedMinutes', '在岗暂停叫号时长(分钟)', 'Queue paused while staffed (minutes)', 'number'),
  col('openWhileAbsentMinutes', '空岗开放叫号时长(分钟)', 'Queue open while absent (minutes)', 'number'),
  col('idleWhileOpenMinutes', '在岗开放叫号空闲时长(分钟)', 'Idle while open and staffed (minutes)', 'number'),
  ...INCIDENT_KIND_COLUMNS,
  ...INCIDENT_STATUS_COLUMNS,
];

export const THROUGHPUT_COLUMNS: StatsColumn[] = [
  cases.handled,
  hours.staffed,
  cases.perStaffedHour,
  col('medianHandlingMinutes', '办理时长中位数(分钟)', 'Median handling minutes', 'number'),
  col('p90HandlingMinutes', '办理时长90分位(分钟)', 'P90 handling minutes', 'number'),
  col('medianWaitMinutes', '等候时长中位数(分钟)', 'Median wait minutes', 'number'),
  col('p90WaitMinutes', '等候时长90分位(分钟)', 'P90 wait minutes', 'number'),
  col('waitOverTargetRate', '等候超时率', 'Waits over the target', 'percent'),
  col('noShows', '过号数(叫号未到)', 'No-shows (called, never started)', 'count'),
  cases.onTimeRate,
  col('medianWaitDuringAbsenceMinutes', '离岗期间取号等候中位数(分钟)', 'Median wait, ticket during absence', 'number'),
  col('medianWaitOtherwiseMinutes', '其他等候中位数(分钟)', 'Median wait, other tickets', 'number'),
  col('yellowCards', '黄牌(临近时限)', 'Yellow cards (deadline near)', 'count'),
  col('redCards', '红牌(超期未办结)', 'Red cards (past the deadline)', 'count'),
  col('goodRatingRate', '好评率', 'Good ratings (4-5)', 'percent'),
  col('badRatingRate', '差评率', 'Bad ratings', 'percent'),
  col('unratedRate', '未评价率', 'Cases not rated', 'percent'),
  col('badRatingRectifiedRate', '差评整改率', 'Bad ratings rectified in time', 'percent'),
];

/**
 * The evaluation's weights (site key evaluation.weights): in every row of GET /api/stats/evaluation
 * so a script can recompute each score, but shown once above the table (weightsText), not per row.
 */
export const WEIGHT_COLUMNS: StatsColumn[] = [
  col('weightAttendance', '出勤率', 'attendance', 'number'),
  col('weightOnTime', '按时办结', 'on time', 'number'),
  col('weightSatisfaction', '满意度', 'satisfaction', 'number'),
  col('weightThroughput', '办件效率', 'throughput', 'number'),
  col('throughputTarget', '满分办件效率(件/小时)', 'throughput target (cases/hour)', 'number'),
  col('deductionPerAbsenceIncident', '每起离岗扣分', 'points off per absence incident', 'number'),
  col('deductionPerVerifiedComplaint', '每件属实投诉扣分', 'points off per verified complaint', 'number'),
  col('deductionPerQueueMismatch', '每起叫号空岗扣分', 'points off per queue mismatch', 'number'),
  col('deductionPerRedCard', '每张红牌扣分', 'points off per red card', 'number'),
];

/** The evaluation table: inputs, score and ranks; the score last, with its coverage and warning beside it. */
export const EVALUATION_COLUMNS: StatsColumn[] = [
  hours.scheduled,
  hours.staffed,
  hours.unknown,
  absence.excusedMinutes,
  absence.unexcusedMinutes,
  absence.declaredAwayMinutes,
  col('attendanceRate', '出勤率(不含请假)', 'Attendance rate (excused time excluded)', 'percent'),
  col('absenceIncidentsConfirmed', '已确认离岗事件', 'Absence incidents confirmed', 'count'),
  cases.handled,
  cases.perStaffedHour,
  cases.onTimeRate,
  col('ratings', '评价数', 'Ratings', 'count'),
  col('meanSatisfaction', '平均满意度(1-5)', 'Mean satisfaction (1-5)', 'number'),
  col('lowSatisfactionShare', '不满意(≤2)占比', 'Share of ratings ≤ 2', 'percent'),
  col('verifiedComplaints', '属实投诉', 'Verified complaints', 'count'),
  col('unverifiedComplaints', '不属实投诉', 'Unfounded complaints', 'count'),
  col('pendingComplaints', '待核实投诉', 'Complaints pending', 'count'),
  col('queueMismatchIncidents', '叫号空岗事件', 'Queue open, seat empty incidents', 'count'),
  col('queueMismatchesConfirmed', '已确认叫号空岗', 'Queue mismatches confirmed', 'count'),
  col('yellowCards', '黄牌(临近时限)', 'Yellow cards (deadline near)', 'count'),
  col('redCards', '红牌(超期未办结)', 'Red cards (past the deadline)', 'count'),
  col('baseScore', '基础分', 'Base score', 'number'),
  col('deductions', '扣分', 'Deductions', 'number'),
  col('rankDepartment', '排名所在部门', 'Department ranked in', 'text'),
  col('rankInDepartment', '部门内排名', 'Rank in department', 'count'),
  col('rankHall', '排名所在大厅', 'Hall ranked in', 'hall'),
  col('rankInHall', '大厅内排名', 'Rank in hall', 'count'),
  col('score', '效能得分', 'Score', 'number'),
  col('coverage', '覆盖率(已判断/应在岗)', 'Coverage (judged / scheduled)', 'percent'),
  col('coverageWarning', '覆盖提示', 'Coverage warning', 'warning'),
];

const REPORT_COLUMNS: Record<StatsReport, StatsColumn[]> = {
  attendance: ATTENDANCE_COLUMNS,
  throughput: THROUGHPUT_COLUMNS,
  evaluation: EVALUATION_COLUMNS,
};

/** A table's columns in order: the group, then the report's own. */
export function reportColumns(report: StatsReport, groupBy: StatsGroupBy): StatsColumn[] {
  return [GROUP_COLUMNS[groupBy], ...REPORT_COLUMNS[report]];
}

/** Titles of the reports: the XLSX sheet, the file name and the title row. */
export const REPORT_TITLES: Record<StatsReport, Record<StatsLang, string>> = {
  attendance: { zh: '出勤统计', en: 'Attendance' },
  throughput: { zh: '办件统计', en: 'Throughput' },
  evaluation: { zh: '效能考核', en: 'Evaluation' },
};

/** "按窗口" (by window), for titles and file names. */
export const GROUPED_BY: Record<StatsGroupBy, Record<StatsLang, string>> = {
  window: { zh: '按窗口', en: 'by window' },
  staff: { zh: '按人员', en: 'by staff' },
  department: { zh: '按部门', en: 'by department' },
  hall: { zh: '按大厅', en: 'by hall' },
  township: { zh: '按乡镇中心', en: 'by township centre' },
};

/** Names of the site's windows and halls by id, for the cells that hold an id. */
export interface StatsNames {
  windows: Readonly<Record<string, string>>;
  halls: Readonly<Record<string, string>>;
}

/** Names of windows and halls by id, from the site file (or GET /api/site). */
export function statsNames(site: {
  halls: readonly { id: string; name: string }[];
  windows: readonly { id: string; name: string }[];
}): StatsNames {
  return {
    halls: Object.fromEntries(site.halls.map((h) => [h.id, h.name])),
    windows: Object.fromEntries(site.windows.map((w) => [w.id, w.name])),
  };
}

export type StatsRow = Readonly<Record<string, string | number | null | undefined>>;

/** A share as a percentage with one decimal: 0.5714 → "57.1%". */
export function formatPercent(share: number): string {
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

/**
 * Whether an evaluation row's score stands on too little judged time: it has a score, and its
 * coverage is below COVERAGE_WARNING_BELOW (or there was no scheduled time to judge at all).
 */
export function lowCoverage(row: StatsRow): boolean {
  if (typeof row.score !== 'number') return false;
  return typeof row.coverage !== 'number' || row.coverage < COVERAGE_WARNING_BELOW;
}

const THRESHOLD = `${Math.round(COVERAGE_WARNING_BELOW * 100)}%`;
const COVERAGE_WARNING: Record<StatsLang, string> = {
  zh: `已判断时长不足${THRESHOLD}，得分仅供参考`,
  en: `under ${THRESHOLD} of the time judged: indicative only`,
};

const UNASSIGNED_NAMES: Record<'staff' | 'other', Record<StatsLang, string>> = {
  staff: { zh: '未排班', en: 'Not rostered' },
  other: { zh: '未指定', en: 'Unassigned' },
};

/** The group a row stands for, as people call it: a window or hall by its name, nobody as 未排班. */
export function groupName(groupBy: StatsGroupBy, key: string, names: StatsNames, lang: StatsLang): string {
  if (key === UNASSIGNED_GROUP) return UNASSIGNED_NAMES[groupBy === 'staff' ? 'staff' : 'other'][lang];
  if (groupBy === 'window') return names.windows[key] ?? key;
  if (groupBy === 'hall' || groupBy === 'township') return names.halls[key] ?? key;
  return key;
}

/**
 * A row's value in a column as the console shows it and the CSV writes it; null for a figure there
 * was nothing to compute from (the console shows "—", the CSV an empty cell).
 */
export function cellText(column: StatsColumn, row: StatsRow, groupBy: StatsGroupBy, names: StatsNames, lang: StatsLang): string | null {
  if (column.kind === 'warning') return lowCoverage(row) ? COVERAGE_WARNING[lang] : null;
  const v = row[column.key];
  if (v === null || v === undefined) return null;
  switch (column.kind) {
    case 'group':
      return groupName(groupBy, String(v), names, lang);
    case 'hall':
      return names.halls[String(v)] ?? String(v);
    case 'percent':
      return typeof v === 'number' ? formatPercent(v) : String(v);
    case 'number':
      return typeof v === 'number' ? v.toFixed(2) : String(v);
    default:
      return String(v);
  }
}

const WEIGHTS_PREFIX: Record<StatsLang, string> = { zh: '权重与扣分：', en: 'Weights and deductions: ' };

/** The weights an evaluation row was scored with, in one line: "权重与扣分：出勤率 40 · 按时办结 20 · …". */
export function weightsText(row: StatsRow, lang: StatsLang): string {
  const parts = WEIGHT_COLUMNS.filter((c) => typeof row[c.key] === 'number').map((c) => `${c[lang]} ${row[c.key]}`);
  return WEIGHTS_PREFIX[lang] + parts.join(' · ');
}
