import { HallConfig, WindowConfig, assertTime } from '../model';
import { BoundaryCache } from '../schedule/boundary-cache';
import { isOpen } from '../schedule/schedule';
import { IncidentEvent, IncidentRules, closeIncident, openIncident } from './incident';
import { IncidentSnapshot, certainUntil } from './rule-tracks';

/**
 * The hall's side of the incident rules: its schedule cursor (open or closed, boundaries applied
 * in order) and the staffing-gap rule, on the engine's snapshot `data` (shared, not copied).
 */
export class HallRules {
  private readonly boundaries: BoundaryCache;

  constructor(
    private readonly hall: HallConfig,
    private readonly timeZone: string,
    private readonly rules: IncidentRules,
    private readonly windows: ReadonlyMap<string, WindowConfig>,
    private readonly data: IncidentSnapshot,
  ) {
    this.boundaries = new BoundaryCache(timeZone);
  }

  /** A restored hall takes the state its schedule gives it now: a schedule change is no observed opening or closing. */
  fitSchedule(out: IncidentEvent[]): void {
    const h = this.data.hall;
    if (h.cursor !== null && isOpen(this.hall.schedule, this.timeZone, h.cursor) !== h.open) {
      h.open = !h.open;
      h.openSince = h.open ? h.cursor : null;
      if (!h.open && h.gap) closeIncident(h.gap, h.cursor, null, out);
      if (!h.open) h.gap = h.shortSince = null;
    }
  }

  /** Applies the hall's schedule boundaries up to `at` (a staffing gap ends when the hall closes). */
  advance(at: number, out: IncidentEvent[]): void {
    assertTime('at', at);
    const h = this.data.hall;
    if (h.cursor === null) {
      h.open = isOpen(this.hall.schedule, this.timeZone, at);
      h.openSince = h.open ? at : null;
      h.cursor = at;
      return;
    }
    for (;;) {
      const b = this.boundaries.next(this.hall.id, this.hall.schedule, h.cursor);
      if (!b || b.at > at) break;
      h.cursor = b.at;
      h.open = b.opens;
      if (b.opens) {
        h.openSince = b.at;
        this.evaluateGap(b.at, out);
      } else {
        if (h.gap) closeIncident(h.gap, b.at, null, out);
        h.gap = null;
        h.shortSince = null;
      }
    }
    h.cursor = Math.max(h.cursor, at);
  }

  /** Starts or ends the hall's shortfall after a change effective at `at`. */
  evaluateGap(at: number, out: IncidentEvent[]): void {
    const h = this.data.hall;
    if (!h.open || h.openSince === null) return;
    const tracks = [...this.windows.keys()].map((id) => this.data.windows[id]);
    // Unknown (and not yet tracked) windows might be staffed: only a certain shortfall counts.
    const uncertain = tracks.filter((w) => w.state !== 'absent' && w.state !== 'closed');
    const short = uncertain.length < this.hall.minStaffedWindows;
    if (short && h.shortSince === null) {
      // The current configuration holds since the latest of the missing windows' changes.
      const sinces = tracks.filter((w) => !uncertain.includes(w)).map((w) => w.since ?? h.openSince!);
      h.shortSince = Math.max(h.openSince, ...sinces);
    } else if (!short && h.shortSince !== null) {
      if (h.gap) closeIncident(h.gap, at, null, out);
      h.gap = null;
      h.shortSince = null;
    }
  }

  /** Opens the staffing gap once its shortfall lasted gapAfter and every absent window is known absent through it. */
  detectGap(at: number, out: IncidentEvent[]): void {
    const h = this.data.hall;
    if (h.shortSince === null || h.gap) return;
    const thresholdAt = h.shortSince + this.rules.gapAfter;
    if (at < thresholdAt) return;
    // Every absent window must be known absent through the threshold, so that no pending
    // or stale window can later turn out to have filled the gap before it.
    for (const [id, cfg] of this.windows) {
      const w = this.data.windows[id];
      if (w.state === 'absent' && certainUntil(w, cfg) < thresholdAt) return;
    }
    const windowStates = Object.fromEntries([...this.windows.keys()].map((id) => [id, this.data.windows[id].state]));
    h.gap = openIncident(this.hall.id, 'staffing-gap', { openedAt: h.shortSince, detectedAt: at }, { thresholdAt: at, windowStates }, out);
  }
}
