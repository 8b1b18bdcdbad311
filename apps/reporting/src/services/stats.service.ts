import { BadRequestException, Injectable } from '@nestjs/common';
import { reportColumns, UNASSIGNED_GROUP, type StatsQuery, type StatsTable } from '@hallwatch/contracts';
import { staffIdOf, totalDuration, verifiedInTime } from '@hallwatch/domain';
import {
  addDays,
  addStaffFigures,
  CountedCase,
  attendanceRows,
  CardFacts,
  cardCounts,
  datesBetween,
  dayRange,
  emptyFigures,
  evaluationGroups,
  evaluationRows,
  groupFigures,
  IncidentCounts,
  isDate,
  lastDayOfMonth,
  localDate,
  RatingOrderFacts,
  ratingOrderCounts,
  StaffFigures,
  staffFigures,
  throughputRows,
  UNASSIGNED,
} from '@hallwatch/stats';
import { CardsRepository } from '../repositories/cards.repository';
import { CasesRepository } from '../repositories/cases.repository';
import { ComplaintsRepository } from '../repositories/complaints.repository';
import { IncidentsRepository } from '../repositories/incidents.repository';
import { RectificationsRepository } from '../repositories/rectifications.repository';
import { WindowRollupsRepository } from '../repositories/window-rollups.repository';
import { ratingOrderId } from './rectifications.service';
import { RollupService } from './rollup.service';
import { SiteWindows } from './site-windows';

/** Longest period one request may cover (a few years of annual comparisons). */
const MAX_DAYS = 3 * 366;

/** Attendance and throughput tables for any period, from the window rollups. */
@Injectable()
export class StatsService {
  constructor(
    private readonly windowRollups: WindowRollupsRepository,
    private readonly incidents: IncidentsRepository,
    private readonly complaints: ComplaintsRepository,
    private readonly cards: CardsRepository,
    private readonly orders: RectificationsRepository,
    private readonly cases: CasesRepository,
    private readonly site: SiteWindows,
    private readonly rollups: RollupService,
  ) {}

  async attendance(q: StatsQuery): Promise<StatsTable> {
    const [perWindow, incidents] = await Promise.all([this.windowFigures(q), this.incidentCounts(q)]);
    const groups = groupFigures(perWindow, this.site.info, q.groupBy);
    return { ...q, columns: reportColumns('attendance', q.groupBy), rows: attendanceRows(groups, incidents, q.groupBy) };
  }

  async throughput(q: StatsQuery): Promise<StatsTable> {
    const [perWindow, cards, ratingOrders] = await Promise.all([this.windowFigures(q), this.cardFacts(q), this.ratingOrderFacts(q)]);
    const groups = groupFigures(perWindow, this.site.info, q.groupBy);
    const rows = throughputRows(
      groups,
      cardCounts(cards, q.groupBy, this.site.info),
      q.groupBy,
      ratingOrderCounts(ratingOrders, q.groupBy, this.site.info),
      this.site.waitTargetMs,
    );
    return { ...q, columns: reportColumns('throughput', q.groupBy), rows };
  }

  /**
   * The annual efficiency table: per group its figures, confirmed incidents, complaints, the score
   * from evaluation.weights and ranks within department and hall (see libs/stats evaluation).
   */
  async evaluation(q: StatsQuery): Promise<StatsTable> {
    const tz = this.site.timeZone;
    const [perWindow, incidents, complaints, cards] = await Promise.all([
      this.windowFigures(q, false),
      this.incidentCounts(q),
      this.complaints.complaintsReceivedBetween(dayRange(tz, q.from).start, dayRange(tz, q.to).end),
      this.cardFacts(q),
    ]);
    // A complaint without a window belongs to no hall: only an unrestricted table counts it.
    const inScope = complaints.filter((c) => !q.halls || (c.hallId !== undefined && q.halls.includes(c.hallId)));
    const groups = evaluationGroups(perWindow, incidents, inScope, q.groupBy, this.site.info, cards);
    return {
      ...q,
      columns: reportColumns('evaluation', q.groupBy),
      rows: evaluationRows(groups, q.groupBy, this.site.evaluationWeights),
    };
  }

  /**
   * Figures per window for the period, counting only what happened: days after today count
   * nothing, today is recomputed up to the present, whole past months come from the month totals
   * and the other past days from day rollups. Scheduled time no rollup covers (no report from the
   * window at all) is unknown. Without `durations` the histograms stay empty (see addFigures).
   */
  private async windowFigures(q: StatsQuery, durations = true): Promise<Map<string, StaffFigures>> {
    const now = Date.now();
    const today = localDate(this.site.timeZone, now);
    const dates = this.period(q).filter((d) => d <= today);
    const perWindow = new Map<string, StaffFigures>();
    if (dates.length === 0) return perWindow;
    const add = (windowId: string, f: StaffFigures) => {
      if (this.site.inHalls(windowId, q.halls))
        perWindow.set(windowId, addStaffFigures(perWindow.get(windowId) ?? staffFigures(), f, durations));
    };

    const months = [...new Set(dates.map((d) => d.slice(0, 7)))];
    const whole = months.filter((m) => dates.includes(`${m}-01`) && lastDayOfMonth(m) < today && dates.includes(lastDayOfMonth(m)));
    const partial = months.filter((m) => !whole.includes(m));
    const past = new Set(dates.filter((d) => d < today));
    const [totals, dayDocs] = await Promise.all([this.windowRollups.monthTotals(whole), this.windowRollups.monthDaysOf(partial)]);
    for (const t of totals) add(t.windowId, t.figures);
    const casesToday = new Map<string, CountedCase[]>();
    for (const doc of dayDocs)
      for (const [date, day] of Object.entries(doc.days)) {
        if (past.has(date)) add(doc.windowId, day.figures);
        else if (date === today) casesToday.set(doc.windowId, Object.values(day.cases));
      }
    if (dates.includes(today)) {
      const windows = [...this.site.info.keys()].filter((w) => this.site.inHalls(w, q.halls));
      const figures = await Promise.all(windows.map((w) => this.rollups.dayFigures(w, today, casesToday.get(w) ?? [], now)));
      windows.forEach((w, i) => add(w, figures[i]));
    }

    const range = {
      start: dayRange(this.site.timeZone, dates[0]).start,
      end: Math.min(dayRange(this.site.timeZone, dates[dates.length - 1]).end, now),
    };
    for (const windowId of this.site.info.keys()) {
      if (!this.site.inHalls(windowId, q.halls)) continue;
      const staff = perWindow.get(windowId) ?? staffFigures();
      const covered = Object.values(staff).reduce((sum, f) => sum + f.scheduledMs, 0);
      const missing = totalDuration(this.site.scheduled(windowId, range)) - covered;
      if (missing > 0) {
        const gap = { ...emptyFigures(), scheduledMs: missing, unknownMs: missing };
        addStaffFigures(staff, { [UNASSIGNED]: gap });
      }
      perWindow.set(windowId, staff);
    }
    return perWindow;
  }

  /** The orders bad ratings opened in the period, of the halls asked for: in the group of the rated case's window and staff. */
  private async ratingOrderFacts(q: StatsQuery): Promise<RatingOrderFacts[]> {
    const tz = this.site.timeZone;
    const orders = await this.orders.issuedBetween('case', dayRange(tz, q.from).start, dayRange(tz, q.to).end);
    const out: RatingOrderFacts[] = [];
    for (const o of orders) {
      const windowId = o.to.window;
      if (o.id !== ratingOrderId(o.source.id) || !windowId || !this.site.inHalls(windowId, q.halls)) continue;
      const staffId = (await this.cases.caseState(o.source.id))?.current.staffId;
      const due = { dueAt: Date.parse(o.dueAt), redAt: Date.parse(o.redAt) };
      out.push({
        windowId,
        ...(staffId && { staffId }),
        verifiedInTime: verifiedInTime(due, o.verifiedAt ? Date.parse(o.verifiedAt) : undefined),
      });
    }
    return out;
  }

  /** The period's cards (by when their case crossed the threshold) of the halls asked for. */
  private async cardFacts(q: StatsQuery): Promise<CardFacts[]> {
    const tz = this.site.timeZone;
    return this.cards.cardsBetween(dayRange(tz, q.from).start, dayRange(tz, q.to).end, q.halls);
  }

  private async incidentCounts(q: StatsQuery): Promise<Map<string, IncidentCounts>> {
    const tz = this.site.timeZone;
    const list = await this.incidents.incidentsOpenedBetween(dayRange(tz, q.from).start, dayRange(tz, q.to).end);
    const counts = new Map<string, IncidentCounts>();
    for (const i of list) {
      if (q.halls && !q.halls.includes(i.hallId)) continue;
      const info = i.windowId ? this.site.info.get(i.windowId) : undefined;
      const key = {
        window: i.windowId,
        // The roster may name staff as "张三 (S001)": the id is what matches the cases' staffId.
        staff: i.staff === undefined ? UNASSIGNED_GROUP : staffIdOf(i.staff),
        department: info?.department,
        hall: i.hallId,
        township: this.site.townships.has(i.hallId) ? i.hallId : undefined,
      }[q.groupBy];
      if (key === undefined) continue; // e.g. a hall-wide incident has no window
      const c = counts.get(key) ?? { byKind: {}, byStatus: {}, confirmedByKind: {} };
      c.byKind[i.kind] = (c.byKind[i.kind] ?? 0) + 1;
      const status = i.review ?? (i.leaveId ? 'excused' : i.closedAt === undefined ? 'open' : 'closed');
      c.byStatus[status] = (c.byStatus[status] ?? 0) + 1;
      if (status === 'confirmed') c.confirmedByKind[i.kind] = (c.confirmedByKind[i.kind] ?? 0) + 1;
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
