import { assertTime } from '../model';

/** Persons the detector counted in one counting zone (a waiting zone or a window's counter zone) of a frame. */
export interface ZoneCount {
  /** The zone's id: unique in the hall. */
  zone: string;
  /** The window whose counter zone it is; undefined for a waiting zone. */
  windowId?: string;
  persons: number;
}

interface CountReading extends ZoneCount {
  cameraId: string;
  /** Capture time of the frame. */
  at: number;
  /** The reading stands until then (its camera's frames go stale after). */
  freshUntil: number;
  /** For a counter zone: first frame of the current run showing someone there. */
  since: number | null;
}

/** Plain-JSON state of a HallOccupancy. */
export interface OccupancySnapshot {
  zones: Record<string, CountReading>;
  /** Since when someone has been waiting in the hall without a break; null while nobody is. */
  waitingSince: number | null;
  /** Until when the readings of the last update vouch for someone waiting. */
  waitingUntil: number | null;
}

/** A hall's persons waiting at a moment: known from fresh readings only. */
export interface LiveOccupancy {
  /** Persons in the hall's waiting zones and counter zones. */
  waiting: number;
  /** Since when someone has been waiting without a break; null while nobody is. */
  waitingSince: number | null;
  /** Capture time of the newest reading counted; null when none is fresh. */
  at: number | null;
  /** Windows whose counter zone holds someone, with since when. */
  windows: { windowId: string; persons: number; since: number }[];
}

/**
 * Who waits in a hall: the latest count of each counting zone, by frame. A camera that stops (its
 * frames go stale, it goes offline, or a frame cannot be judged) stops counting: unknown is never
 * zero people nor the last count carried on.
 */
export class HallOccupancy {
  private readonly data: OccupancySnapshot;

  constructor(snapshot?: OccupancySnapshot) {
    this.data = snapshot ? structuredClone(snapshot) : { zones: {}, waitingSince: null, waitingUntil: null };
  }

  /** The counts of one judged frame of `cameraId` (every counting zone it has), standing for `freshMs`. */
  count(cameraId: string, at: number, freshMs: number, counts: readonly ZoneCount[]): void {
    assertTime('count.at', at);
    for (const c of counts) {
      const before = this.data.zones[c.zone];
      if (before && at <= before.at) continue; // redelivered or late
      const since = c.persons > 0 ? (before && before.since !== null && before.freshUntil >= at ? before.since : at) : null;
      this.data.zones[c.zone] = { ...c, cameraId, at, freshUntil: at + freshMs, since };
    }
    this.update(at);
  }

  /** The camera cannot be seen from `at` on (offline, frozen or unjudgeable): its zones count no more. */
  lost(cameraId: string, at: number): void {
    for (const [zone, r] of Object.entries(this.data.zones)) if (r.cameraId === cameraId) delete this.data.zones[zone];
    this.update(at);
  }

  /** The persons waiting at `at`, from the readings still fresh then. */
  live(at: number): LiveOccupancy {
    return liveOccupancy(this.data, at);
  }

  /** The persons waiting at `at` if every zone of `zones` (the hall's counting zones) has a fresh reading then; else null, not known. */
  waitingCount(at: number, zones: readonly string[]): number | null {
    const readings = zones.map((z) => this.data.zones[z]);
    if (zones.length === 0 || readings.some((r) => !r || r.at > at || at > r.freshUntil)) return null;
    return readings.reduce((sum, r) => sum + r!.persons, 0);
  }

  snapshot(): OccupancySnapshot {
    return structuredClone(this.data);
  }

  private update(at: number): void {
    const positive = Object.values(this.data.zones).filter((r) => r.persons > 0 && r.at <= at && at <= r.freshUntil);
    if (positive.length === 0) {
      this.data.waitingSince = this.data.waitingUntil = null;
      return;
    }
    // A break in what was known (every reading gone stale meanwhile) starts a new wait.
    if (this.data.waitingUntil === null || at > this.data.waitingUntil) this.data.waitingSince = at;
    this.data.waitingUntil = Math.max(...positive.map((r) => r.freshUntil));
  }
}

/** What a saved OccupancySnapshot says is waiting at `at` (readings gone stale by then count for nothing). */
export function liveOccupancy(snapshot: OccupancySnapshot, at: number): LiveOccupancy {
  const fresh = Object.values(snapshot.zones).filter((r) => r.at <= at && at <= r.freshUntil);
  const waiting = fresh.reduce((sum, r) => sum + r.persons, 0);
  const windows = fresh
    .filter((r) => r.windowId !== undefined && r.persons > 0 && r.since !== null)
    .map((r) => ({ windowId: r.windowId!, persons: r.persons, since: r.since! }))
    .sort((a, b) => a.since - b.since);
  return {
    waiting,
    waitingSince: waiting > 0 ? snapshot.waitingSince : null,
    at: fresh.length > 0 ? Math.max(...fresh.map((r) => r.at)) : null,
    windows,
  };
}
