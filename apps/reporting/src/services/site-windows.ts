import { windowSchedule, SiteConfig } from '@hallwatch/config';
import { Interval, openIntervals, ScheduleSpec } from '@hallwatch/domain';
import { WindowInfo } from '@hallwatch/stats';

/** What reporting needs to know of the site's windows. */
export class SiteWindows {
  readonly timeZone: string;
  readonly absenceAfterMs: number;
  readonly info: Map<string, WindowInfo>;
  private readonly schedules = new Map<string, ScheduleSpec>();

  constructor(site: SiteConfig) {
    this.timeZone = site.timezone;
    this.absenceAfterMs = site.rules.absenceAfter;
    const township = new Set(site.halls.filter((h) => h.kind === 'township').map((h) => h.id));
    this.info = new Map(
      site.windows.map((w) => [w.id, { windowId: w.id, hallId: w.hall, department: w.department, township: township.has(w.hall) }]),
    );
    for (const w of site.windows) {
      const spec = windowSchedule(site, w);
      if (spec) this.schedules.set(w.id, spec);
    }
  }

  /** Open time of a window within range; none for a window the site file does not know. */
  scheduled(windowId: string, range: Interval): Interval[] {
    const spec = this.schedules.get(windowId);
    return spec ? openIntervals(spec, this.timeZone, range.start, range.end) : [];
  }

  /** Whether a window's figures belong to the halls asked for (undefined = every hall). */
  inHalls(windowId: string, halls?: readonly string[]): boolean {
    if (!halls) return true;
    const hall = this.info.get(windowId)?.hallId;
    return hall !== undefined && halls.includes(hall);
  }
}
