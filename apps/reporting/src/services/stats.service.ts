import { BadRequestException, Injectable } from '@nestjs/common';
import type { StatsQuery, StatsTable } from '@hallwatch/contracts';
import { totalDuration } from '@hallwatch/domain';
import {
  addDays,
  addFigures,
  addStaffFigures,
  ATTENDANCE_COLUMNS,
  attendanceRows,
  datesBetween,
  dayRange,
  emptyFigures,
  GROUP_COLUMNS,
  groupFigures,
  IncidentCounts,
  isDate,
  StaffFigures,
  THROUGHPUT_COLUMNS,
  throughputRows,
  UNASSIGNED,
  UNASSIGNED_LABEL,
} from '@hallwatch/stats';
import { ReportingRepository } from '../repositories/reporting.repository';
import { RollupService } from './rollup.service';

/** Longest period one request may cover (a few years of annual comparisons). */
const MAX_DAYS = 3 * 366;

/** Attendance and throughput tables for any period, from the window rollups. */
@Injectable()
export class StatsService {
  constructor(
    private readonly repo: ReportingRepository,
    private readonly rollups: RollupService,
  ) {}

  async attendance(q: StatsQuery): Promise<StatsTable> {
    const [perWindow, incidents] = await Promise.all([this.windowFigures(q), this.incidentCounts(q)]);
    const groups = groupFigures(perWindow, this.rollups.site.info, q.groupBy);
    return { ...q, columns: [GROUP_COLUMNS[q.groupBy], ...ATTENDANCE_COLUMNS], rows: attendanceRows(groups, incidents, q.groupBy) };
  }

  async throughput(q: StatsQuery): Promise<StatsTable> {
    const groups = groupFigures(await this.windowFigures(q), this.rollups.site.info, q.groupBy);
    return { ...q, columns: [GROUP_COLUMNS[q.groupBy], ...THROUGHPUT_COLUMNS], rows: throughputRows(groups, q.groupBy) };
  }

  /**
   * Figures per window for the period: whole months from the month totals, the rest from day
   * rollups. Scheduled time no rollup covers (no report from the window at all) is unknown.
   */
  private async windowFigures(q: StatsQuery): Promise<Map<string, StaffFigures>> {
    const dates = this.period(q);
    const months = [...new Set(dates.map((d) => d.slice(0, 7)))];
    const whole = months.filter((m) => dates.includes(`${m}-01`) && dates.includes(lastDayOf(m)));
    const partial = months.filter((m) => !whole.includes(m));
    const inPeriod = new Set(dates);
    const [totals, dayDocs] = await Promise.all([this.repo.monthTotals(whole), this.repo.monthDaysOf(partial)]);

    const perWindow = new Map<string, StaffFigures>();
    const add = (windowId: string, f: StaffFigures) => {
      if (this.rollups.site.inHalls(windowId, q.halls)) perWindow.set(windowId, addStaffFigures(perWindow.get(windowId) ?? {}, f));
    };
    for (const t of totals) add(t.windowId, t.figures);
    for (const doc of dayDocs)
      for (const [date, day] of Object.entries(doc.days)) if (inPeriod.has(date)) add(doc.windowId, day.figures);

    const tz = this.rollups.site.timeZone;
    const range = { start: dayRange(tz, dates[0]).start, end: dayRange(tz, dates[dates.length - 1]).end };
    for (const windowId of this.rollups.site.info.keys()) {
      if (!this.rollups.site.inHalls(windowId, q.halls)) continue;
      const staff = perWindow.get(windowId) ?? {};
      const covered = Object.values(staff).reduce((sum, f) => sum + f.scheduledMs, 0);
      const missing = totalDuration(this.rollups.site.scheduled(windowId, range)) - covered;
      if (missing > 0) {
        const gap = { ...emptyFigures(), scheduledMs: missing, unknownMs: missing };
        staff[UNASSIGNED] = addFigures(staff[UNASSIGNED] ?? emptyFigures(), gap);
      }
      perWindow.set(windowId, staff);
    }
    return perWindow;
  }

  private async incidentCounts(q: StatsQuery): Promise<Map<string, IncidentCounts>> {
    const tz = this.rollups.site.timeZone;
    const list = await this.repo.incidentsOpenedBetween(dayRange(tz, q.from).start, dayRange(tz, q.to).end);
    const counts = new Map<string, IncidentCounts>();
    for (const i of list) {
      if (q.halls && !q.halls.includes(i.hallId)) continue;
      const info = i.windowId ? this.rollups.site.info.get(i.windowId) : undefined;
      const key = {
        window: i.windowId,
        staff: i.staff ?? UNASSIGNED_LABEL,
        department: info?.department,
        hall: i.hallId,
        township: this.rollups.site.townships.has(i.hallId) ? i.hallId : undefined,
      }[q.groupBy];
      if (key === undefined) continue; // e.g. a hall-wide incident has no window
      const c = counts.get(key) ?? { byKind: {}, byStatus: {} };
      c.byKind[i.kind] = (c.byKind[i.kind] ?? 0) + 1;
      c.byStatus[i.status] = (c.byStatus[i.status] ?? 0) + 1;
      counts.set(key, c);
    }
    return counts;
  }

  private period(q: StatsQuery): string[] {
    const bad = [q.from, q.to].filter((d) => !isDate(d));
    if (bad.length > 0) throw new BadRequestException(`not a calendar date: ${bad.join(', ')}`);
    if (q.to < q.from) throw new BadRequestException(`to (${q.to}) is before from (${q.from})`);
    if (addDays(q.from, MAX_DAYS) <= q.to) throw new BadRequestException(`a period may cover at most ${MAX_DAYS} days`);
    return datesBetween(q.from, q.to);
  }
}

function lastDayOf(month: string): string {
  return addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
}
