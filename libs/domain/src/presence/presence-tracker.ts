import { CameraStatusChange, Observation, PresenceState, StateChange, WindowConfig, assertTime } from '../model';
import { BoundaryCache } from '../schedule/boundary-cache';
import { DEFAULT_TIME_ZONE, isOpen, parseSchedule } from '../schedule/schedule';
import { assertTimeZone } from '../schedule/time-zone';

/**
 * Hysteresis: a window flips between staffed and absent only after `confirmSamples`
 * consecutive judgeable frames agree on the new value AND they span at least `confirmMs`
 * (first to last capture time). The new state's `since` is the first agreeing frame.
 * The same rule applies when leaving `unknown`.
 */
export interface HysteresisConfig {
  /** Consecutive agreeing judgeable frames needed to change state (default 3). */
  confirmSamples: number;
  /** Minimum span of those frames in ms (default 20 s: 3 frames at the usual 10 s). */
  confirmMs: number;
  /** Frames are stale — the window becomes unknown — when none arrived for this many
   *  sample intervals (default 3). */
  staleAfterSamples: number;
  /** A frame below this confidence is treated as not judgeable (default 0.5). */
  minConfidence: number;
}

export const DEFAULT_HYSTERESIS: Readonly<HysteresisConfig> = {
  confirmSamples: 3,
  confirmMs: 20_000,
  staleAfterSamples: 3,
  minConfidence: 0.5,
};

/** What the seat shows regardless of the schedule. */
type Seat = 'staffed' | 'absent' | 'unknown';

/** How the tracker read one frame. */
export type FrameReading = 'staffed' | 'absent' | 'unjudgeable';

interface WindowTrack {
  /** Capture time of the last processed input; older or equal inputs are ignored. */
  clock: number;
  /** Reported state: `closed` outside the schedule, the seat otherwise. */
  state: PresenceState;
  since: number;
  seat: Seat;
  pending: { seat: 'staffed' | 'absent'; firstAt: number; count: number } | null;
  lastFrame: { at: number; reading: FrameReading } | null;
}

/** Plain-JSON state of a PresenceTracker. */
export interface PresenceSnapshot {
  windows: Record<string, WindowTrack>;
  /** Cameras without an entry are taken to be online. */
  cameras: Record<string, { online: boolean; at: number }>;
}

/** A window's current state as the tracker sees it. */
export interface WindowView {
  state: PresenceState;
  since: number;
  lastFrame: { at: number; reading: FrameReading } | null;
  /** First frame of a run of agreeing frames that has not yet changed the state, if any. */
  pendingSince: number | null;
}

export interface PresenceTrackerOptions {
  windows: WindowConfig[];
  timeZone?: string;
  hysteresis?: Partial<HysteresisConfig>;
}

/**
 * Per-window presence state machine (see libs/domain/README.md). Each method takes inputs stamped with
 * capture times and returns the state changes they caused. An input at or before the last
 * processed time of a window is ignored for that window, so redelivery is harmless.
 */
export class PresenceTracker {
  private readonly windows = new Map<string, WindowConfig>();
  private readonly hysteresis: HysteresisConfig;
  private readonly timeZone: string;
  private readonly data: PresenceSnapshot;
  private readonly boundaries: BoundaryCache;

  constructor(options: PresenceTrackerOptions, snapshot?: PresenceSnapshot) {
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    assertTimeZone(this.timeZone);
    this.boundaries = new BoundaryCache(this.timeZone);
    this.hysteresis = { ...DEFAULT_HYSTERESIS, ...options.hysteresis };
    for (const w of options.windows) {
      parseSchedule(w.schedule);
      if (!(w.sampleEveryMs > 0)) throw new RangeError(`window ${w.id}: sampleEveryMs must be > 0`);
      const minStaff = w.minStaff ?? 1;
      if (!Number.isInteger(minStaff) || minStaff < 1) throw new RangeError(`window ${w.id}: minStaff ${minStaff} must be an integer >= 1`);
      this.windows.set(w.id, w);
    }
    this.data = snapshot ? structuredClone(snapshot) : { windows: {}, cameras: {} };
  }

  observe(windowId: string, obs: Observation): StateChange[] {
    const w = this.window(windowId);
    assertTime('observation.at', obs.at);
    const out: StateChange[] = [];
    this.step(w, obs.at, out, (t) => {
      // While its camera is declared offline a window stays unknown until it is back online.
      if (!this.cameraOnline(w.cameraId)) return;
      const reading = this.read(w, obs);
      t.lastFrame = { at: obs.at, reading };
      if (reading === 'unjudgeable') {
        t.pending = null;
        this.setSeat(w, t, 'unknown', obs.at, obs.at, out);
      } else if (reading === t.seat) {
        t.pending = null; // a lone disagreeing frame is forgotten
      } else {
        const p = t.pending?.seat === reading ? { ...t.pending, count: t.pending.count + 1 } : { seat: reading, firstAt: obs.at, count: 1 };
        const { confirmSamples, confirmMs } = this.hysteresis;
        if (p.count >= confirmSamples && obs.at - p.firstAt >= confirmMs) {
          t.pending = null;
          this.setSeat(w, t, reading, p.firstAt, obs.at, out);
        } else t.pending = p;
      }
    });
    return out;
  }

  cameraStatus(cameraId: string, status: CameraStatusChange): StateChange[] {
    assertTime('status.at', status.at);
    const onCamera = [...this.windows.values()].filter((w) => w.cameraId === cameraId);
    if (onCamera.length === 0) throw new Error(`unknown camera ${cameraId}`);
    const previous = this.data.cameras[cameraId];
    if (previous && status.at <= previous.at) return [];
    this.data.cameras[cameraId] = { online: status.online, at: status.at };
    if ((previous?.online ?? true) === status.online) return [];
    const out: StateChange[] = [];
    for (const w of onCamera)
      this.step(w, status.at, out, (t) => {
        if (status.online) return; // back online: frames must confirm a state first
        t.pending = null;
        this.setSeat(w, t, 'unknown', status.at, status.at, out);
      });
    return out;
  }

  /**
   * Nobody vouched for the windows from `at` on (their hall stopped being judged): each window
   * with a timeline turns unknown there, or at its last input if that is later (what was judged
   * stands), as when its camera goes offline; frames must confirm a state again.
   */
  suspend(at: number): StateChange[] {
    assertTime('suspend', at);
    const out: StateChange[] = [];
    for (const w of this.windows.values()) {
      const t = this.data.windows[w.id];
      if (!t) continue;
      const from = Math.max(at, t.clock);
      if (from > t.clock) this.step(w, from, out, () => undefined); // staleness and boundaries up to it
      t.pending = null;
      this.setSeat(w, t, 'unknown', from, from, out);
    }
    return out;
  }

  /** Applies time-based transitions (stale frames, schedule boundaries) up to `at`. */
  tick(at: number): StateChange[] {
    assertTime('tick', at);
    const out: StateChange[] = [];
    for (const w of this.windows.values()) this.step(w, at, out, () => undefined);
    return out;
  }

  /**
   * Fits a restored snapshot to the site as it is now (see HallMonitor.reconcile): a window no
   * longer in it turns `unknown` where its timeline stopped (nobody watches it any more) and is
   * forgotten, as are cameras no window uses; a window whose schedule changed takes the state
   * the new one gives it at that time. Windows new to the site start at their first input.
   */
  reconcile(hallId: string): StateChange[] {
    const out: StateChange[] = [];
    for (const [id, t] of Object.entries(this.data.windows)) {
      if (this.windows.has(id)) continue;
      if (t.state !== 'unknown') out.push({ windowId: id, hallId, state: 'unknown', since: t.clock, at: t.clock });
      delete this.data.windows[id];
    }
    const cameras = new Set([...this.windows.values()].map((w) => w.cameraId));
    for (const id of Object.keys(this.data.cameras)) if (!cameras.has(id)) delete this.data.cameras[id];
    for (const w of this.windows.values()) {
      const t = this.data.windows[w.id];
      if (!t || isOpen(w.schedule, this.timeZone, t.clock) === (t.state !== 'closed')) continue;
      this.report(w, t, t.state === 'closed' ? t.seat : 'closed', t.clock, t.clock, out);
    }
    return out;
  }

  view(windowId: string): WindowView | undefined {
    const t = this.data.windows[this.window(windowId).id];
    return (
      t && {
        state: t.state,
        since: t.since,
        lastFrame: t.lastFrame && { ...t.lastFrame },
        pendingSince: t.pending?.firstAt ?? null,
      }
    );
  }

  snapshot(): PresenceSnapshot {
    return structuredClone(this.data);
  }

  private window(windowId: string): WindowConfig {
    const w = this.windows.get(windowId);
    if (!w) throw new Error(`unknown window ${windowId}`);
    return w;
  }

  private cameraOnline(cameraId: string): boolean {
    return this.data.cameras[cameraId]?.online ?? true;
  }

  private read(w: WindowConfig, obs: Observation): FrameReading {
    if (!obs.judgeable || !(obs.confidence >= this.hysteresis.minConfidence)) return 'unjudgeable';
    return obs.persons >= (w.minStaff ?? 1) ? 'staffed' : 'absent';
  }

  private step(w: WindowConfig, at: number, out: StateChange[], apply: (t: WindowTrack) => void): void {
    let t = this.data.windows[w.id];
    if (!t) {
      // The first input starts the timeline: nothing is known about the seat yet.
      const state = isOpen(w.schedule, this.timeZone, at) ? 'unknown' : 'closed';
      t = { clock: at, state, since: at, seat: 'unknown', pending: null, lastFrame: null };
      this.data.windows[w.id] = t;
      out.push({ windowId: w.id, hallId: w.hallId, state, since: at, at });
    } else if (at <= t.clock) return;
    else this.advance(w, t, at, out);
    apply(t);
    t.clock = at;
  }

  /** Staleness and schedule boundaries between the last input and `to`, in time order. */
  private advance(w: WindowConfig, t: WindowTrack, to: number, out: StateChange[]): void {
    const staleMs = this.hysteresis.staleAfterSamples * w.sampleEveryMs;
    let cursor = t.clock;
    for (;;) {
      const f = t.lastFrame;
      const stale = f !== null && (t.seat !== 'unknown' || t.pending !== null) && to - f.at > staleMs;
      // The last frame vouches for one sample interval; after that nothing is known.
      const staleSince = stale ? f.at + w.sampleEveryMs : Infinity;
      const b = this.boundaries.next(w.id, w.schedule, cursor);
      const boundaryAt = b && b.at <= to ? b.at : Infinity;
      if (staleSince === Infinity && boundaryAt === Infinity) return;
      if (staleSince <= boundaryAt) {
        t.pending = null;
        this.setSeat(w, t, 'unknown', staleSince, to, out);
      } else {
        cursor = boundaryAt;
        this.report(w, t, b!.opens ? t.seat : 'closed', boundaryAt, to, out);
      }
    }
  }

  private setSeat(w: WindowConfig, t: WindowTrack, seat: Seat, since: number, at: number, out: StateChange[]): void {
    if (t.seat === seat) return;
    t.seat = seat;
    // Backdated seat changes never reach before the state they replace (e.g. an opening).
    if (t.state !== 'closed') this.report(w, t, seat, Math.max(since, t.since), at, out);
  }

  private report(w: WindowConfig, t: WindowTrack, state: PresenceState, since: number, at: number, out: StateChange[]): void {
    if (t.state === state) return;
    // A state that lasted no time (e.g. absent at an opening the same frame ends) is replaced.
    const last = out[out.length - 1];
    if (last?.windowId === w.id && last.since === since) out.pop();
    t.state = state;
    t.since = since;
    out.push({ windowId: w.id, hallId: w.hallId, state, since, at });
  }
}
