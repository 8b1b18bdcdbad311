import { Injectable } from '@nestjs/common';
import {
  caseUpdateFlag,
  SYSTEM_WRITERS,
  type CaseMessage,
  type PresenceMessage,
  type QueueEventMessage,
  type Writer,
} from '@hallwatch/contracts';
import {
  caseChangeRefusal,
  declaredTime,
  leavesInHall,
  type Interval,
  type Leave,
  type QueueEvent,
  type StateChange,
} from '@hallwatch/domain';
import {
  addDays,
  addStaffFigures,
  caseFactsOf,
  CountedCase,
  caseRecordOf,
  caseUpdateOf,
  dayRange,
  localDate,
  StaffFigures,
  staffFigures,
  windowPeriodFigures,
} from '@hallwatch/stats';
import { CasesRepository, CaseState } from '../repositories/cases.repository';
import { AwayRepository } from '../repositories/away.repository';
import { LeavesRepository } from '../repositories/leaves.repository';
import { PresenceRepository } from '../repositories/presence.repository';
import { QueueRepository } from '../repositories/queue.repository';
import { DayRollup, WindowRollupsRepository } from '../repositories/window-rollups.repository';
import { WriteLockRepository } from '../repositories/write-lock.repository';
import { SiteWindows } from './site-windows';
import { inParallel } from './batch-rows';

/** How far back a day looks for the state it starts in (a state rarely spans a long holiday). */
const LOOKBACK_DAYS = 7;
/** Versioned writes of one window-month that lose to another writer are retried this often. */
const MAX_ATTEMPTS = 50;
/**
 * Cases written under one hold of the write lock: about 2 s on an idle 2-core machine, so others
 * wait briefly, while a bulk import pays each round trip to the lock and the database once per chunk.
 */
const CHUNK = 10000;

/** A case of a write: why it was refused, or what is stored now. */
export type CaseRecorded = { refused: string; state?: undefined } | { refused?: undefined; state: CaseState };

/** What a write of cases changes in one window-day: caseId -> facts entering it, or null for leaving. */
type DayEdits = Map<string, CountedCase | null>;

/**
 * Keeps per-window-day figures current as presence changes and cases arrive. Raw facts are
 * stored first; then every affected window-month is read, recomputed from the raw facts and
 * written back only if nobody wrote it in between (its version), else read and recomputed again.
 * All of it under the write lock shared by every reporting instance and CLI import (FerretDB
 * cannot make a conditional write atomic; MongoDB can, so there the versions are a second guard).
 * Redelivery, re-import and arrival order change nothing.
 */
@Injectable()
export class RollupService {
  constructor(
    private readonly site: SiteWindows,
    private readonly cases: CasesRepository,
    private readonly presence: PresenceRepository,
    private readonly queue: QueueRepository,
    private readonly windowRollups: WindowRollupsRepository,
    private readonly leaves: LeavesRepository,
    private readonly lock: WriteLockRepository,
    private readonly away: AwayRepository,
  ) {}

  async recordPresence(m: PresenceMessage): Promise<void> {
    const change: StateChange = {
      windowId: m.windowId,
      hallId: m.hallId,
      state: m.state,
      since: Date.parse(m.since),
      at: Date.parse(m.at),
    };
    const date = localDate(this.site.timeZone, change.since);
    await this.lock.run(async () => {
      this.lock.check();
      await this.presence.addPresenceChange(change, date);
      // The change also sets the state later days start in, up to the next day with changes. One
      // read serves that search and the days' look back (the first attempt of updateDays).
      const presence = await this.presence.presenceDays(m.windowId, [
        ...Array.from({ length: LOOKBACK_DAYS + 1 }, (_, i) => addDays(date, -i)),
        ...laterDates(date),
      ]);
      await this.updateDays(m.windowId, datesUntilNext(date, presence), async () => undefined, presence);
    });
  }

  /** Stores a queue event (of a window in the site file) and updates the days its session covers. */
  async recordQueueEvent(m: QueueEventMessage): Promise<void> {
    const event: QueueEvent = { windowId: m.windowId, staffId: m.staffId, event: m.event, at: Date.parse(m.at) };
    const date = localDate(this.site.timeZone, event.at);
    await this.lock.run(async () => {
      this.lock.check();
      await this.queue.addQueueEvent(event, date, { by: m.submittedBy ?? SYSTEM_WRITERS.queue.username, submittedAt: m.submittedAt });
      const queued = await this.queue.queueDays(m.windowId, laterDates(date));
      await this.updateDays(m.windowId, datesUntilNext(date, queued), async () => undefined);
    });
  }

  /**
   * Stores validated cases (distinct caseIds), written by `by`, and updates the window-days they
   * leave and enter. A stored case posted with other fields becomes a new version only from an
   * admin or the queue system (caseChangeRefusal); with `halls`, a case stored on a window of
   * another hall is left alone. A case counts once finished (or called and not started: a no-show),
   * in the window-day its ticket was taken. Answers, per case, why it was not stored, else what is stored now.
   */
  async recordCases(cases: readonly CaseMessage[], halls?: readonly string[], by: Writer = SYSTEM_WRITERS.queue): Promise<CaseRecorded[]> {
    const recorded: CaseRecorded[] = [];
    for (let start = 0; start < cases.length; start += CHUNK)
      recorded.push(...(await this.lock.run(() => this.recordChunk(cases.slice(start, start + CHUNK), halls, by))));
    return recorded;
  }

  private async recordChunk(cases: readonly CaseMessage[], halls: readonly string[] | undefined, by: Writer): Promise<CaseRecorded[]> {
    const windows = halls ? this.site.windowsOf(halls) : undefined;
    const written = { submittedBy: by.username, submittedAt: new Date() };
    const edits = new Map<string, Map<string, DayEdits>>();
    const edit = (day: string, caseId: string, facts: CountedCase | null) => {
      const [windowId, date] = day.split('|');
      const byDate = edits.get(windowId) ?? new Map<string, DayEdits>();
      edits.set(windowId, byDate);
      const byCase = byDate.get(date) ?? new Map<string, CountedCase | null>();
      byDate.set(date, byCase);
      byCase.set(caseId, facts);
    };
    const rows = cases.map((c) => {
      const record = caseRecordOf(c);
      const flag = caseUpdateFlag(c);
      const day = `${c.windowId}|${localDate(this.site.timeZone, record.takenAt)}`;
      return { doc: { ...record, day, ...(flag ? { flag } : {}) } };
    });
    // New cases in one round trip; stored ones (and all, with halls to check) one by one.
    this.lock.check();
    const existing = windows
      ? new Set(cases.map((c) => c.caseId))
      : await this.cases.insertNewCases(
          rows.map((r) => r.doc),
          written,
        );
    const recorded = await inParallel(rows, 4, async ({ doc }): Promise<CaseRecorded> => {
      if (existing.has(doc.caseId)) this.lock.check();
      const write = existing.has(doc.caseId)
        ? await this.cases.replaceCase(doc, written, () => caseChangeRefusal(by.role), windows)
        : { stored: true as const, before: undefined, state: { current: doc, updates: [caseUpdateOf(doc)] } };
      if (!write.stored) return { refused: write.reason };
      const { current, updates } = write.state;
      // A corrected case that changed window or day leaves its old window-day; one in flight counts nowhere yet (a no-show apart).
      if (write.before && write.before !== current.day) edit(write.before, doc.caseId, null);
      edit(current.day, doc.caseId, caseFactsOf(current, updates));
      return { state: write.state };
    });
    await Promise.all(
      [...edits].map(([windowId, byDate]) =>
        this.updateDays(windowId, [...byDate.keys()], async (date, day, attempt) => {
          for (const [caseId, own] of byDate.get(date)!) {
            // What this write stored is current unless another writer intervened; then the
            // stored case decides (that writer also updates every day the case left).
            const facts = attempt === 0 ? own : await this.currentFacts(caseId, `${windowId}|${date}`);
            if (facts) day.cases[caseId] = facts;
            else delete day.cases[caseId];
          }
        }),
      ),
    );
    return recorded;
  }

  /**
   * Recomputes the past window-days a leave touches (on the windows whose roster names its staff
   * or staff it replaces), so their absences are split anew. Days still to come are computed when
   * their presence arrives. One window-month per hold of the write lock: a year-long leave on many
   * windows lets other writers in between its steps (each step is a recomputation from raw facts,
   * so an interleaved write is never undone).
   */
  async recordLeave(leave: Leave): Promise<void> {
    const staff = [leave.staffId, ...(await this.leaves.replacedBy(leave.staffId, leave.from, leave.to))];
    const today = localDate(this.site.timeZone, Date.now());
    const last = localDate(this.site.timeZone, leave.to - 1);
    const months = new Map<string, string[]>();
    for (let d = localDate(this.site.timeZone, leave.from); d <= last && d <= today; d = addDays(d, 1))
      months.set(d.slice(0, 7), [...(months.get(d.slice(0, 7)) ?? []), d]);
    for (const windowId of this.site.windowsRostering(staff))
      for (const dates of months.values()) await this.lock.run(() => this.updateDays(windowId, dates, async () => undefined));
  }

  /** A 暂离 declaration of a window was stored: the days it touches are counted again (its absent time declared). */
  async recordAway(windowId: string, from: number, to: number): Promise<void> {
    const dates = [...new Set([localDate(this.site.timeZone, from), localDate(this.site.timeZone, to - 1)])];
    await this.lock.run(() => this.updateDays(windowId, dates, async () => undefined));
  }

  /** Leaves that may excuse a window's seat within range: of its rostered staff and their replacements, approved for its hall. */
  private async leavesOn(windowId: string, range: Interval): Promise<Leave[]> {
    const hallId = this.site.info.get(windowId)?.hallId ?? '';
    const own = leavesInHall(await this.leaves.leavesOf(this.site.rosteredOn(windowId), range.start, range.end), hallId);
    const replacements = [...new Set(own.flatMap((l) => (l.replacementStaffId ? [l.replacementStaffId] : [])))];
    return [...own, ...leavesInHall(await this.leaves.leavesOf(replacements, range.start, range.end), hallId)];
  }

  /**
   * Figures of one window-day from its raw facts; with `now`, only up to the present (the
   * stored rollups count whole days, so today is recomputed for every report).
   */
  async dayFigures(
    windowId: string,
    date: string,
    cases: CountedCase[],
    now?: number,
    presenceDay = (d: string) => this.presence.presenceDay(windowId, d),
    queueDay = (d: string) => this.queue.queueDay(windowId, d),
    leaves = (range: Interval) => this.leavesOn(windowId, range),
    declarations = (d: string) => this.away.ofDays([`${windowId}|${addDays(d, -1)}`, `${windowId}|${d}`]),
  ): Promise<StaffFigures> {
    const range = dayRange(this.site.timeZone, date);
    const [changes, queue] = await Promise.all([carriedIn(date, presenceDay), carriedIn(date, queueDay)]);
    const from = Math.min(range.start, changes[0]?.since ?? range.start);
    const scheduled = this.site.scheduled(windowId, { start: from, end: range.end });
    const excused = this.site.excused(windowId, await leaves(range), range);
    const declared = declaredTime(
      (await declarations(date)).map((d) => ({ windowId, from: Date.parse(d.from), to: Date.parse(d.to) })),
      range,
    );
    return windowPeriodFigures({
      range,
      scheduled,
      changes,
      cases,
      queue,
      absenceAfterMs: this.site.absenceAfterMs,
      excused,
      declared,
      now,
      badRating: this.site.badRating,
    });
  }

  private async currentFacts(caseId: string, day: string): Promise<CountedCase | null> {
    const stored = await this.cases.storedCase(caseId);
    return stored?.day === day ? stored.facts : null;
  }

  /**
   * Applies `edit` to each date's cases, recomputes those days and their month, and writes them if
   * unchanged since read. `presence`: days already read under this hold of the lock, used by the
   * first attempt when it holds every date needed (a retry reads again).
   */
  private async updateDays(
    windowId: string,
    dates: readonly string[],
    edit: (date: string, day: DayRollup, attempt: number) => Promise<void>,
    presence?: ReadonlyMap<string, StateChange[]>,
  ): Promise<void> {
    const byMonth = new Map<string, string[]>();
    for (const d of dates) byMonth.set(d.slice(0, 7), [...(byMonth.get(d.slice(0, 7)) ?? []), d]);
    for (const [month, monthDates] of byMonth) {
      for (let attempt = 0; ; attempt++) {
        const { version, days } = await this.windowRollups.monthRollup(windowId, month);
        // Every date's presence and queue events the days look back at, in one query each per attempt.
        const needed = monthDates.flatMap((date) => Array.from({ length: LOOKBACK_DAYS + 1 }, (_, i) => addDays(date, -i)));
        const known = attempt === 0 && presence && needed.every((d) => presence.has(d)) ? presence : undefined;
        const read = known ?? (await this.presence.presenceDays(windowId, needed));
        const presenceDay = async (d: string) => read.get(d)!;
        const queued = await this.queue.queueDays(windowId, needed);
        const queueDay = async (d: string) => queued.get(d)!;
        // The month's leaves, read once (none to read for a window without a roster).
        const sorted = [...monthDates].sort();
        const monthLeaves = await this.leavesOn(windowId, {
          start: dayRange(this.site.timeZone, sorted[0]).start,
          end: dayRange(this.site.timeZone, sorted[sorted.length - 1]).end,
        });
        // And its 暂离 declarations (one begun the day before may reach into the first date).
        const monthAway = await this.away.ofDays([addDays(sorted[0], -1), ...sorted].map((d) => `${windowId}|${d}`));
        for (const date of monthDates) {
          const day = (days[date] ??= { figures: staffFigures(), cases: Object.create(null) as DayRollup['cases'] });
          await edit(date, day, attempt);
          day.figures = await this.dayFigures(
            windowId,
            date,
            Object.values(day.cases),
            undefined,
            presenceDay,
            queueDay,
            async () => monthLeaves,
            async () => monthAway,
          );
        }
        const total = Object.values(days).reduce<StaffFigures>((sum, d) => addStaffFigures(sum, d.figures), staffFigures());
        this.lock.check();
        if (await this.windowRollups.saveMonth(windowId, month, version, days, total)) break;
        if (attempt + 1 >= MAX_ATTEMPTS)
          throw new Error(`rollup of ${windowId} ${month}: still written by others after ${MAX_ATTEMPTS} attempts`);
        await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt + 1, 10)));
      }
    }
  }
}

/** A date's facts with the last fact of the latest earlier date that has any (at most LOOKBACK_DAYS back) carried in first. */
async function carriedIn<T>(date: string, factsOf: (d: string) => Promise<T[]>): Promise<T[]> {
  const facts = [...(await factsOf(date))];
  for (let d = addDays(date, -1), i = 0; i < LOOKBACK_DAYS; i++, d = addDays(d, -1)) {
    const earlier = await factsOf(d);
    if (earlier.length > 0) return [earlier[earlier.length - 1], ...facts];
  }
  return facts;
}

/** The LOOKBACK_DAYS dates after `date`. */
function laterDates(date: string): string[] {
  return Array.from({ length: LOOKBACK_DAYS }, (_, i) => addDays(date, i + 1));
}

/** `date` and the days after it up to the next one with facts of its own (at most LOOKBACK_DAYS on); `facts` holds the later days'. */
function datesUntilNext(date: string, facts: ReadonlyMap<string, readonly unknown[]>): string[] {
  const later = laterDates(date);
  const next = later.findIndex((d) => facts.get(d)!.length > 0);
  return [date, ...(next < 0 ? later : later.slice(0, next + 1))];
}
