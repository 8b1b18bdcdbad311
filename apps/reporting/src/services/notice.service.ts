import { Injectable } from '@nestjs/common';
import type { NoticeQuery, StatsTable } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { addDays, dayRange, lastDayOfMonth, MonthlyNotice, monthlyNotice } from '@hallwatch/stats';
import { RectificationsRepository } from '../repositories/rectifications.repository';
import { CardsRepository } from '../repositories/cards.repository';
import { IncidentsRepository } from '../repositories/incidents.repository';
import { StatsService } from './stats.service';

/** Incidents that record only that nothing could be judged: never a violation, never in a notice. */
const NOT_A_VIOLATION = 'camera-offline';

/** The monthly notice (月度通报): the evaluation's tables of the month and the one before, with what was confirmed. */
@Injectable()
export class NoticeService {
  constructor(
    private readonly stats: StatsService,
    private readonly incidents: IncidentsRepository,
    private readonly cards: CardsRepository,
    private readonly rectifications: RectificationsRepository,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  async notice(q: NoticeQuery): Promise<MonthlyNotice> {
    const site = this.ctx.site;
    const from = `${q.month}-01`;
    const to = lastDayOfMonth(q.month);
    const previousFrom = `${addDays(from, -1).slice(0, 7)}-01`;
    const table = (f: string, t: string, groupBy: 'window' | 'department'): Promise<StatsTable> =>
      this.stats.evaluation({ from: f, to: t, groupBy });
    const range = { start: dayRange(site.timezone, from).start, end: dayRange(site.timezone, to).end };
    const [windows, departments, previousDepartments, incidents, redCards, unverified] = await Promise.all([
      table(from, to, 'window'),
      table(from, to, 'department'),
      table(previousFrom, addDays(from, -1), 'department'),
      this.incidents.incidentsOpenedBetween(range.start, range.end),
      this.cards.cardsBetween(range.start, range.end, undefined, 'red'),
      this.rectifications.unverified(),
    ]);
    // The orders overdue or sent back as they stand now, due by the month's end.
    const windowName = new Map(site.windows.map((w) => [w.id, w.name]));
    const hallName = new Map(site.halls.map((h) => [h.id, h.name]));
    const rectificationOrders = unverified
      .filter((o) => (o.state === 'overdue' || o.state === 'returned') && Date.parse(o.dueAt) < range.end)
      .map((o) => ({
        id: o.id,
        state: o.state,
        tier: o.tier,
        to: o.to.window
          ? (windowName.get(o.to.window) ?? o.to.window)
          : (o.to.department ?? hallName.get(o.to.hall ?? '') ?? o.to.hall ?? ''),
        dueAt: o.dueAt,
      }));
    const office = (site.halls.find((h) => h.kind === 'hall') ?? site.halls[0])?.name ?? '';
    return monthlyNotice({
      month: q.month,
      office,
      issuer: q.issuer,
      generatedAt: Date.now(),
      timeZone: site.timezone,
      windows: windows.rows,
      departments: departments.rows,
      previousDepartments: previousDepartments.rows,
      windowNames: Object.fromEntries(site.windows.map((w) => [w.id, w.name])),
      windowDepartments: Object.fromEntries(site.windows.map((w) => [w.id, w.department])),
      confirmedIncidents: incidents.filter((i) => i.review === 'confirmed' && i.kind !== NOT_A_VIOLATION),
      redCards,
      rectificationOrders,
    });
  }
}
