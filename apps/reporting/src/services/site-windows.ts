import { Injectable } from '@nestjs/common';
import { windowSchedule } from '@hallwatch/config';
import {
  AwayLimits,
  CaseCalendar,
  EvaluationWeights,
  excusedIntervals,
  Interval,
  Leave,
  openIntervals,
  RosterEntry,
  ScheduleSpec,
  staffIdOf,
  YellowBefore,
} from '@hallwatch/domain';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { WindowInfo } from '@hallwatch/stats';

/** What reporting needs to know of the site's windows. */
@Injectable()
export class SiteWindows {
  readonly timeZone: string;
  readonly absenceAfterMs: number;
  /** Site keys rules.awayMax and rules.awayPerDayMax. */
  readonly awayLimits: AwayLimits;
  readonly info: Map<string, WindowInfo>;
  /** Ids of the site file's halls. */
  readonly hallIds: string[];
  /** Halls that are township service centres. */
  readonly townships: Set<string>;
  private readonly rosters: readonly RosterEntry[];
  /** Staff ids on each window's roster. */
  private readonly rostered = new Map<string, string[]>();
  /** Site key evaluation.weights, defaults filled in. */
  readonly evaluationWeights: EvaluationWeights;
  /** Site key supervision.yellowBefore. */
  readonly yellowBefore: YellowBefore;
  private readonly schedules = new Map<string, ScheduleSpec>();
  private readonly hallSchedules = new Map<string, ScheduleSpec>();
  /** Site keys supervision.badRating and supervision.badRatingDueWorkingDays. */
  readonly badRating: number;
  readonly badRatingDueWorkingDays: number;
  /** Site key rules.waitTarget. */
  readonly waitTargetMs: number;
  /** Answers per schedule and range: windows share schedules, and a year of one costs ~30 ms. */
  private readonly known = new Map<ScheduleSpec, Map<string, Interval[]>>();

  constructor(@InjectContext() ctx: ServiceContext) {
    const site = ctx.site;
    this.timeZone = site.timezone;
    this.absenceAfterMs = site.rules.absenceAfter;
    this.awayLimits = { awayMax: site.rules.awayMax, awayPerDayMax: site.rules.awayPerDayMax };
    this.evaluationWeights = site.evaluation.weights;
    this.yellowBefore = site.supervision.yellowBefore;
    this.badRating = site.supervision.badRating;
    this.badRatingDueWorkingDays = site.supervision.badRatingDueWorkingDays;
    this.waitTargetMs = site.rules.waitTarget;
    for (const h of site.halls) if (site.schedules[h.schedule]) this.hallSchedules.set(h.id, site.schedules[h.schedule]);
    this.hallIds = site.halls.map((h) => h.id);
    this.townships = new Set(site.halls.filter((h) => h.kind === 'township').map((h) => h.id));
    this.info = new Map(
      site.windows.map((w) => [w.id, { windowId: w.id, hallId: w.hall, department: w.department, township: this.townships.has(w.hall) }]),
    );
    this.rosters = site.rosters as RosterEntry[];
    for (const r of this.rosters) this.rostered.set(r.window, [...new Set([...(this.rostered.get(r.window) ?? []), staffIdOf(r.staff)])]);
    for (const w of site.windows) {
      const spec = windowSchedule(site, w);
      if (spec) this.schedules.set(w.id, spec);
    }
  }

  /** Open time of a window within range; none for a window the site file does not know. */
  scheduled(windowId: string, range: Interval): Interval[] {
    const spec = this.schedules.get(windowId);
    if (!spec) return [];
    const known = this.known.get(spec) ?? this.known.set(spec, new Map()).get(spec)!;
    const key = `${range.start}|${range.end}`;
    const found = known.get(key);
    if (found) return found;
    const open = openIntervals(spec, this.timeZone, range.start, range.end);
    if (known.size >= 10_000) known.clear();
    known.set(key, open);
    return open;
  }

  /** The working-day calendar of a window (its schedule in the site's time zone); undefined for a window the site file does not know. */
  calendar(windowId: string): CaseCalendar | undefined {
    const schedule = this.schedules.get(windowId);
    return schedule && { schedule, timeZone: this.timeZone };
  }

  /** The working-day calendar of a hall (its schedule in the site's time zone); undefined for a hall the site file does not know. */
  hallCalendar(hallId: string): CaseCalendar | undefined {
    const schedule = this.hallSchedules.get(hallId);
    return schedule && { schedule, timeZone: this.timeZone };
  }

  /** The windows of a department (as the site file names it), in site-file order. */
  windowsOfDepartment(department: string): string[] {
    return [...this.info.values()].filter((w) => w.department === department).map((w) => w.windowId);
  }

  /** Staff ids on a window's roster (any slot); [] without a roster. */
  rosteredOn(windowId: string): string[] {
    return this.rostered.get(windowId) ?? [];
  }

  /** Windows whose roster names any of these staff ids. */
  windowsRostering(staffIds: readonly string[]): string[] {
    return [...this.rostered].filter(([, ids]) => ids.some((id) => staffIds.includes(id))).map(([w]) => w);
  }

  /** Where a window's empty seat is excused by `leaves` within range (see excusedIntervals). */
  excused(windowId: string, leaves: readonly Leave[], range: Interval): Interval[] {
    return excusedIntervals(this.rosters, leaves, windowId, range, this.timeZone);
  }

  /** The windows of these halls. */
  windowsOf(halls: readonly string[]): string[] {
    return [...this.info.values()].filter((w) => halls.includes(w.hallId)).map((w) => w.windowId);
  }

  /** Whether the site file has this window. */
  has(windowId: string): boolean {
    return this.info.has(windowId);
  }

  /** Whether a window's figures belong to the halls asked for (undefined = every hall). */
  inHalls(windowId: string, halls?: readonly string[]): boolean {
    if (!halls) return true;
    const hall = this.info.get(windowId)?.hallId;
    return hall !== undefined && halls.includes(hall);
  }
}
