import { CameraStatusChange, HallConfig, IncidentKind, PresenceState, StateChange, WindowConfig, assertTime } from '../model';
import { FrameReading } from '../presence/presence-tracker';
import { QueueEvent, QueueEventKind, QueueSessionState, queueStateAfter } from '../queue/queue-session';
import { BoundaryCache } from '../schedule/boundary-cache';
import { DEFAULT_TIME_ZONE, isOpen, parseSchedule } from '../schedule/schedule';
import { assertTimeZone } from '../schedule/time-zone';

/** Thresholds in ms. */
export interface IncidentRules {
  /** absence: known absent for at least this long during open hours (default 10 min). */
  absenceAfter: number;
  /** late-opening: still known absent this long after an open interval's start (default 5 min). */
  lateAfter: number;
  /** early-leave: known absent from at least this long before an interval's end until it (default 15 min). */
  earlyLeaveBefore: number;
  /** staffing-gap: a certain shortfall of staffed windows lasting this long (default 5 min). */
  gapAfter: number;
  /** queue-open-seat-empty: open for calling while known absent for at least this long (default 5 min). */
  queueMismatchAfter: number;
}

export const DEFAULT_RULES: Readonly<IncidentRules> = {
  absenceAfter: 600_000,
  lateAfter: 300_000,
  earlyLeaveBefore: 900_000,
  gapAfter: 300_000,
  queueMismatchAfter: 300_000,
};

/** Capture times of the frames (and facts) that justify an incident. */
export interface IncidentEvidence {
  /** The frame at which the threshold was crossed; for early-leave the last absent frame
   *  before the interval ended; for camera-offline the status time. */
  thresholdAt: number;
  /** absence, late-opening, early-leave: the last frame showing the seat staffed before. */
  lastStaffedAt?: number;
  /** absence, late-opening, early-leave: the last frame showing the condition (set on close). */
  endAt?: number;
  /** late-opening: start of the open interval; early-leave: its end. */
  intervalStart?: number;
  intervalEnd?: number;
  /** staffing-gap: state of every window of the hall when the threshold was crossed. */
  windowStates?: Record<string, PresenceState | 'untracked'>;
  /** camera-offline: the camera's last frame before the outage, and the reported reason. */
  lastFrameAt?: number;
  reason?: string;
  /** queue-open-seat-empty: the queue event (login or resume) that opened the session for calling. */
  queueEvent?: { event: QueueEventKind; staffId: string; at: number };
}

export interface Incident {
  /** Deterministic: kind, hall, window or camera and openedAt — replay never duplicates. */
  id: string;
  kind: IncidentKind;
  windowId?: string;
  hallId: string;
  cameraId?: string;
  /** When the condition began. */
  openedAt: number;
  /** When the threshold was crossed. */
  detectedAt: number;
  /** When the condition ended. */
  closedAt?: number;
  evidence: IncidentEvidence;
}

export interface IncidentEvent {
  type: 'opened' | 'closed';
  incident: Incident;
}

/** What the presence tracker made of one accepted frame of a window. */
export interface FrameFact {
  at: number;
  reading: FrameReading;
  /** The tracker's pendingSince after the frame (see WindowView). */
  pendingSince: number | null;
}

interface WindowRuleTrack {
  state: PresenceState | 'untracked';
  since: number | null;
  /** Start of the current open interval, if the window was seen opening. */
  intervalStart: number | null;
  staffedSinceOpen: boolean;
  lateEligible: boolean;
  lastFrameAt: number | null;
  lastStaffedAt: number | null;
  lastAbsentAt: number | null;
  pendingSince: number | null;
  /** lastStaffedAt when the current absent state began. */
  staffedBeforeAbsence: number | null;
  absence: Incident | null;
  late: Incident | null;
  /** Missing in snapshots saved before queue sessions were followed. */
  queue?: QueueTrack;
}

/** A window's queue session as its events told it. */
interface QueueTrack {
  state: QueueSessionState;
  /** When the current state began. */
  since: number | null;
  /** Time of the last event applied; older or equal events are ignored. */
  at: number | null;
  /** The event that opened the current open state. */
  opener: IncidentEvidence['queueEvent'] | null;
  mismatch: Incident | null;
}

/** Plain-JSON state of an IncidentEngine. */
export interface IncidentSnapshot {
  windows: Record<string, WindowRuleTrack>;
  hall: {
    cursor: number | null;
    open: boolean;
    openSince: number | null;
    /** Since when the shortfall of staffed windows is certain, while it lasts. */
    shortSince: number | null;
    gap: Incident | null;
  };
  cameras: Record<string, { online: boolean; at: number; incident: Incident | null }>;
}

export interface IncidentEngineOptions {
  hall: HallConfig;
  windows: WindowConfig[];
  timeZone?: string;
  rules?: Partial<IncidentRules>;
}

/**
 * Turns one hall's presence changes, frames, camera statuses and ticks into incident events
 * (see libs/domain/README.md for the rules). Unknown time never counts as absence.
 */
export class IncidentEngine {
  readonly rules: IncidentRules;
  private readonly hall: HallConfig;
  private readonly windows = new Map<string, WindowConfig>();
  private readonly timeZone: string;
  private readonly boundaries: BoundaryCache;
  private readonly data: IncidentSnapshot;

  constructor(options: IncidentEngineOptions, snapshot?: IncidentSnapshot) {
    this.hall = options.hall;
    parseSchedule(this.hall.schedule);
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    assertTimeZone(this.timeZone);
    this.boundaries = new BoundaryCache(this.timeZone);
    this.rules = { ...DEFAULT_RULES, ...options.rules };
    for (const w of options.windows) {
      if (w.hallId !== this.hall.id) throw new Error(`window ${w.id} belongs to hall ${w.hallId}, not ${this.hall.id}`);
      this.windows.set(w.id, w);
    }
    this.data = snapshot
      ? structuredClone(snapshot)
      : {
          windows: {},
          hall: { cursor: null, open: false, openSince: null, shortSince: null, gap: null },
          cameras: {},
        };
    // A window added to the site since the snapshot starts untracked like any other.
    for (const w of options.windows) this.data.windows[w.id] ??= newWindowTrack();
  }

  presence(change: StateChange): IncidentEvent[] {
    return this.change(change, true);
  }

  /**
   * Fits a restored snapshot to the site as it is now. `changes` are the presence tracker's
   * (PresenceTracker.reconcile): a removed window's open incidents close where its frames last
   * showed the seat empty, and it is forgotten; a schedule change is no observed opening or
   * closing (no late opening, no early leave from it). A camera no window uses closes its outage
   * at the hall's time; the hall takes the state its schedule gives it now.
   */
  reconcile(changes: readonly StateChange[]): IncidentEvent[] {
    const out: IncidentEvent[] = [];
    const h = this.data.hall;
    if (h.cursor !== null && isOpen(this.hall.schedule, this.timeZone, h.cursor) !== h.open) {
      h.open = !h.open;
      h.openSince = h.open ? h.cursor : null;
      if (!h.open && h.gap) this.close(h.gap, h.cursor, null, out);
      if (!h.open) h.gap = h.shortSince = null;
    }
    for (const [id, w] of Object.entries(this.data.windows)) {
      if (this.windows.has(id)) continue;
      const until = changes.find((c) => c.windowId === id)?.since ?? Infinity;
      // Without its configuration no sample interval is vouched for: only up to the last frame.
      const end = Math.min(until, w.lastFrameAt ?? Infinity, w.pendingSince ?? Infinity, h.cursor ?? Infinity);
      for (const incident of [w.absence, w.late, w.queue?.mismatch])
        if (incident) this.close(incident, Math.max(incident.openedAt, end), w.lastAbsentAt, out);
      delete this.data.windows[id];
    }
    for (const change of changes) if (this.windows.has(change.windowId)) out.push(...this.change(change, false));
    const used = new Set([...this.windows.values()].map((w) => w.cameraId));
    for (const [id, camera] of Object.entries(this.data.cameras)) {
      if (used.has(id)) continue;
      if (camera.incident) this.close(camera.incident, Math.max(camera.incident.openedAt, h.cursor ?? camera.at), null, out);
      delete this.data.cameras[id];
    }
    // A changed window list or minStaffedWindows may start or end a shortfall.
    if (h.cursor !== null) this.evaluateGap(h.cursor, out);
    return out;
  }

  /** A presence change; `observed` false for one that only fits the state to a changed site. */
  private change(change: StateChange, observed: boolean): IncidentEvent[] {
    const out: IncidentEvent[] = [];
    this.advanceHall(change.at, out);
    const cfg = this.window(change.windowId);
    const w = this.data.windows[cfg.id];
    if (w.state === change.state) return out; // redelivered

    if (w.state === 'absent') {
      const end = Math.min(change.since, certainUntil(w, cfg));
      if (change.state === 'closed' && observed) this.earlyLeave(cfg, w, change.since, out);
      for (const incident of [w.absence, w.late, w.queue?.mismatch]) if (incident) this.close(incident, end, w.lastAbsentAt, out);
      w.absence = w.late = null;
      if (w.queue) w.queue.mismatch = null;
    }
    if (change.state !== 'closed' && (w.state === 'closed' || w.state === 'untracked')) {
      // Only an observed opening gives a late-opening reference.
      w.intervalStart = w.state === 'closed' && observed ? change.since : null;
      w.staffedSinceOpen = false;
    }
    if (change.state === 'staffed') w.staffedSinceOpen = true;
    if (change.state === 'absent') {
      w.staffedBeforeAbsence = w.lastStaffedAt;
      // Late only if the first frames of the interval already showed the seat empty.
      w.lateEligible = w.intervalStart !== null && !w.staffedSinceOpen && change.since - w.intervalStart <= cfg.sampleEveryMs;
    }
    w.state = change.state;
    w.since = change.since;
    this.evaluateGap(change.since, out);
    return out;
  }

  frame(windowId: string, fact: FrameFact): IncidentEvent[] {
    assertTime('frame.at', fact.at);
    const out: IncidentEvent[] = [];
    this.advanceHall(fact.at, out);
    const cfg = this.window(windowId);
    const w = this.data.windows[cfg.id];
    if (w.lastFrameAt !== null && fact.at <= w.lastFrameAt) return out;
    w.lastFrameAt = fact.at;
    w.pendingSince = fact.pendingSince;
    if (fact.reading === 'staffed') w.lastStaffedAt = fact.at;
    if (fact.reading === 'absent') w.lastAbsentAt = fact.at;

    if (fact.reading === 'absent' && w.state === 'absent' && w.since !== null) {
      if (!w.absence && fact.at - w.since >= this.rules.absenceAfter)
        w.absence = this.open(
          'absence',
          { windowId, openedAt: w.since, detectedAt: fact.at },
          {
            thresholdAt: fact.at,
            ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
          },
          out,
        );
      if (w.lateEligible && !w.late && w.intervalStart !== null && fact.at - w.intervalStart >= this.rules.lateAfter)
        w.late = this.open(
          'late-opening',
          { windowId, openedAt: w.since, detectedAt: fact.at },
          {
            thresholdAt: fact.at,
            intervalStart: w.intervalStart,
            ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
          },
          out,
        );
      this.detectQueueMismatch(windowId, w, fact.at, out);
    }
    this.detectGap(fact.at, out);
    return out;
  }

  cameraStatus(cameraId: string, status: CameraStatusChange): IncidentEvent[] {
    assertTime('status.at', status.at);
    const onCamera = [...this.windows.values()].filter((w) => w.cameraId === cameraId);
    if (onCamera.length === 0) throw new Error(`unknown camera ${cameraId}`);
    const out: IncidentEvent[] = [];
    this.advanceHall(status.at, out);
    const previous = this.data.cameras[cameraId];
    if (previous && status.at <= previous.at) return out;
    let incident = previous?.incident ?? null;
    if (!status.online && !incident) {
      const frames = onCamera.map((w) => this.data.windows[w.id].lastFrameAt ?? -Infinity);
      const lastFrameAt = Math.max(...frames);
      incident = this.open(
        'camera-offline',
        { cameraId, openedAt: status.at, detectedAt: status.at },
        {
          thresholdAt: status.at,
          ...(lastFrameAt > -Infinity && { lastFrameAt }),
          ...(status.reason !== undefined && { reason: status.reason }),
        },
        out,
      );
    } else if (status.online && incident) {
      this.close(incident, status.at, null, out);
      incident = null;
    }
    this.data.cameras[cameraId] = { online: status.online, at: status.at, incident };
    return out;
  }

  /**
   * A queue system's event for a window, applied at its own time. A pause or logout that arrives
   * after a queue-open-seat-empty opened closes it at the event's time, but never before it opened
   * nor past what frames show.
   */
  queue(event: QueueEvent): IncidentEvent[] {
    assertTime('queue.at', event.at);
    // Hall time is left to frames and ticks: a queue system's clock moves no schedule boundary.
    const out: IncidentEvent[] = [];
    const cfg = this.window(event.windowId);
    const w = this.data.windows[cfg.id];
    const q = (w.queue ??= newQueueTrack());
    if (q.at !== null && event.at <= q.at) return out;
    q.at = event.at;
    const state = queueStateAfter(event.event);
    // A login while open starts a new session (possibly of another staff member).
    if (state === q.state && event.event !== 'login') return out;
    if (q.mismatch) {
      const end = Math.max(q.mismatch.openedAt, Math.min(event.at, certainUntil(w, cfg)));
      this.close(q.mismatch, end, w.lastAbsentAt, out);
      q.mismatch = null;
    }
    q.state = state;
    q.since = event.at;
    q.opener = state === 'open' ? { event: event.event, staffId: event.staffId, at: event.at } : null;
    return out;
  }

  /** Applies the hall's schedule boundaries up to `at` (a staffing gap ends when the hall closes). */
  tick(at: number): IncidentEvent[] {
    assertTime('tick', at);
    const out: IncidentEvent[] = [];
    this.advanceHall(at, out);
    return out;
  }

  snapshot(): IncidentSnapshot {
    return structuredClone(this.data);
  }

  private window(windowId: string): WindowConfig {
    const w = this.windows.get(windowId);
    if (!w) throw new Error(`unknown window ${windowId} in hall ${this.hall.id}`);
    return w;
  }

  private earlyLeave(cfg: WindowConfig, w: WindowRuleTrack, end: number, out: IncidentEvent[]): void {
    // The seat must be known empty right up to the end: no pending return, frames fresh.
    if (w.since === null || end - w.since < this.rules.earlyLeaveBefore || certainUntil(w, cfg) < end) return;
    if (w.lastAbsentAt === null) return;
    const incident = this.open(
      'early-leave',
      { windowId: cfg.id, openedAt: w.since, detectedAt: end },
      {
        thresholdAt: w.lastAbsentAt,
        intervalEnd: end,
        ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
      },
      out,
    );
    this.close(incident, end, w.lastAbsentAt, out);
  }

  /** On an empty frame of an absent window: open for calling and known absent for queueMismatchAfter. */
  private detectQueueMismatch(windowId: string, w: WindowRuleTrack, at: number, out: IncidentEvent[]): void {
    const q = w.queue;
    if (!q || q.state !== 'open' || q.since === null || q.mismatch || w.since === null) return;
    const start = Math.max(w.since, q.since);
    if (at - start < this.rules.queueMismatchAfter) return;
    q.mismatch = this.open(
      'queue-open-seat-empty',
      { windowId, openedAt: start, detectedAt: at },
      {
        thresholdAt: at,
        ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
        ...(q.opener && { queueEvent: { ...q.opener } }),
      },
      out,
    );
  }

  private advanceHall(at: number, out: IncidentEvent[]): void {
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
        if (h.gap) this.close(h.gap, b.at, null, out);
        h.gap = null;
        h.shortSince = null;
      }
    }
    h.cursor = Math.max(h.cursor, at);
  }

  /** Starts or ends the hall's shortfall after a change effective at `at`. */
  private evaluateGap(at: number, out: IncidentEvent[]): void {
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
      if (h.gap) this.close(h.gap, at, null, out);
      h.gap = null;
      h.shortSince = null;
    }
  }

  private detectGap(at: number, out: IncidentEvent[]): void {
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
    h.gap = this.open('staffing-gap', { openedAt: h.shortSince, detectedAt: at }, { thresholdAt: at, windowStates }, out);
  }

  private open(
    kind: IncidentKind,
    subject: { windowId?: string; cameraId?: string; openedAt: number; detectedAt: number },
    evidence: IncidentEvidence,
    out: IncidentEvent[],
  ): Incident {
    const id = [kind, this.hall.id, subject.windowId ?? subject.cameraId, subject.openedAt].filter((part) => part !== undefined).join(':');
    const incident: Incident = { id, kind, hallId: this.hall.id, ...subject, evidence };
    out.push({ type: 'opened', incident: structuredClone(incident) });
    return incident;
  }

  private close(incident: Incident, closedAt: number, endAt: number | null, out: IncidentEvent[]): void {
    incident.closedAt = closedAt;
    if (endAt !== null) incident.evidence.endAt = endAt;
    out.push({ type: 'closed', incident: structuredClone(incident) });
  }
}

function newWindowTrack(): WindowRuleTrack {
  return {
    state: 'untracked',
    since: null,
    intervalStart: null,
    staffedSinceOpen: false,
    lateEligible: false,
    lastFrameAt: null,
    lastStaffedAt: null,
    lastAbsentAt: null,
    pendingSince: null,
    staffedBeforeAbsence: null,
    absence: null,
    late: null,
  };
}

function newQueueTrack(): QueueTrack {
  return { state: 'closed', since: null, at: null, opener: null, mismatch: null };
}

/**
 * How long an absent window is known to be absent: a frame vouches for one sample
 * interval, and a pending run of staffed frames may end the absence at its first frame.
 */
function certainUntil(w: WindowRuleTrack, cfg: WindowConfig): number {
  const fresh = w.lastFrameAt === null ? -Infinity : w.lastFrameAt + cfg.sampleEveryMs;
  return Math.min(fresh, w.pendingSince ?? Infinity);
}
