import { Injectable } from '@nestjs/common';
import type { CaseMessage, PresenceMessage } from '@hallwatch/contracts';
import type { StateChange } from '@hallwatch/domain';
import { addDays, addStaffFigures, caseFacts, CaseFacts, dayRange, localDate, StaffFigures, windowPeriodFigures } from '@hallwatch/stats';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { MonthDays, ReportingRepository } from '../repositories/reporting.repository';
import { SiteWindows } from './site-windows';

/** How far back a day looks for the state it starts in (a state rarely spans a long holiday). */
const LOOKBACK_DAYS = 7;

/**
 * Keeps per-window-day figures current as presence changes and cases arrive: every write
 * recomputes the affected window-days from their raw facts, so redelivery and re-import are
 * idempotent and arrival order does not matter.
 */
@Injectable()
export class RollupService {
  readonly site: SiteWindows;
  /** Writes of one window are serialized: a rollup is read, changed and written back. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    @InjectContext() ctx: ServiceContext,
    private readonly repo: ReportingRepository,
  ) {
    this.site = new SiteWindows(ctx.site);
  }

  async recordPresence(m: PresenceMessage): Promise<void> {
    const change: StateChange = { windowId: m.windowId, hallId: m.hallId, state: m.state, since: Date.parse(m.since), at: Date.parse(m.at) };
    await this.serially(m.windowId, async () => {
      const date = localDate(this.site.timeZone, change.since);
      const changes = (await this.repo.presenceDay(m.windowId, date)).filter((c) => c.since !== change.since);
      changes.push(change);
      changes.sort((a, b) => a.since - b.since);
      await this.repo.savePresenceDay(m.windowId, m.hallId, date, changes);
      // The change also sets the state later days start in, up to the next day with changes.
      const dates = [date];
      for (let d = addDays(date, 1), i = 0; i < LOOKBACK_DAYS; i++, d = addDays(d, 1)) {
        dates.push(d);
        if ((await this.repo.presenceDay(m.windowId, d)).length > 0) break;
      }
      await this.updateDays(m.windowId, dates, () => undefined);
    });
  }

  /** Stores validated cases and updates the window-days they leave and enter. */
  async recordCases(cases: readonly CaseMessage[]): Promise<void> {
    const byWindow = new Map<string, CaseMessage[]>();
    for (const c of cases) byWindow.set(c.windowId, [...(byWindow.get(c.windowId) ?? []), c]);
    const moves: { windowId: string; date: string; caseId: string }[] = [];
    await Promise.all(
      [...byWindow].map(([windowId, list]) =>
        this.serially(windowId, async () => {
          const entering = new Map<string, CaseFacts[]>();
          for (const c of list) {
            const facts = caseFacts(c);
            const date = localDate(this.site.timeZone, facts.takenAt);
            const day = `${windowId}|${date}`;
            const before = await this.repo.replaceCase({ ...facts, serviceItem: c.serviceItem, status: c.status, satisfaction: c.satisfaction, day });
            if (before && before !== day) {
              const [oldWindow, oldDate] = before.split('|');
              moves.push({ windowId: oldWindow, date: oldDate, caseId: c.caseId });
            }
            entering.set(date, [...(entering.get(date) ?? []), facts]);
          }
          await this.updateDays(windowId, [...entering.keys()], (date, day) => {
            for (const f of entering.get(date) ?? []) day.cases[f.caseId] = f;
          });
        }),
      ),
    );
    // A corrected case that changed window or day leaves its old window-day.
    for (const move of moves) {
      await this.serially(move.windowId, () => this.updateDays(move.windowId, [move.date], (_, day) => void delete day.cases[move.caseId]));
    }
  }

  /** Applies `edit` to each date's cases, recomputes those days and the months they are in. */
  private async updateDays(windowId: string, dates: readonly string[], edit: (date: string, day: MonthDays[string]) => void): Promise<void> {
    const byMonth = new Map<string, string[]>();
    for (const d of dates) byMonth.set(d.slice(0, 7), [...(byMonth.get(d.slice(0, 7)) ?? []), d]);
    for (const [month, monthDates] of byMonth) {
      const days = await this.repo.monthDays(windowId, month);
      for (const date of monthDates) {
        const day = (days[date] ??= { figures: {}, cases: {} });
        edit(date, day);
        day.figures = await this.dayFigures(windowId, date, Object.values(day.cases));
      }
      const total = Object.values(days).reduce<StaffFigures>((sum, d) => addStaffFigures(sum, d.figures), {});
      await this.repo.saveMonth(windowId, month, days, total);
    }
  }

  private async dayFigures(windowId: string, date: string, cases: CaseFacts[]): Promise<StaffFigures> {
    const range = dayRange(this.site.timeZone, date);
    const changes = await this.repo.presenceDay(windowId, date);
    for (let d = addDays(date, -1), i = 0; i < LOOKBACK_DAYS; i++, d = addDays(d, -1)) {
      const earlier = await this.repo.presenceDay(windowId, d);
      if (earlier.length > 0) {
        changes.unshift(earlier[earlier.length - 1]);
        break;
      }
    }
    return windowPeriodFigures({ range, scheduled: this.site.scheduled(windowId, range), changes, cases, absenceAfterMs: this.site.absenceAfterMs });
  }

  private serially<T>(windowId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(windowId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(windowId, next);
    void next.finally(() => this.queues.get(windowId) === next && this.queues.delete(windowId)).catch(() => undefined);
    return next;
  }
}
