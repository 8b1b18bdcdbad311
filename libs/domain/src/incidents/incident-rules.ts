import { CameraStatusChange, HallConfig, StateChange, WindowConfig, assertTime } from '../model';
import { QueueEvent, queueStateAfter } from '../queue/queue-session';
import { DEFAULT_TIME_ZONE, parseSchedule } from '../schedule/schedule';
import { assertTimeZone } from '../schedule/time-zone';
import { counterFrame } from './counter-rules';
import { AwayDeclaration, countedSince } from './away';
import { HallRules } from './hall-rules';
import { DEFAULT_RULES, FrameFact, IncidentEvent, IncidentRules, closeIncident, openIncident } from './incident';
import { IncidentSnapshot, WindowRuleTrack, certainUntil, newQueueTrack, newWindowTrack, openWindowIncidents } from './rule-tracks';

/** How long a window keeps an ended declaration: long past any absence it could still shorten. */
const AWAY_KEPT_MS = 24 * 3600_000;

export interface IncidentEngineOptions {
  hall: HallConfig;
  windows: WindowConfig[];
  timeZone?: string;
  rules?: Partial<IncidentRules>;
}

/**
 * Turns one hall's presence changes, frames, camera statuses and ticks into incident events
 * (see libs/domain/README.md for the rules). Unknown time never counts as absence. The window
 * and camera rules are here; the hall's schedule and staffing gap are HallRules'.
 */
export class IncidentEngine {
  readonly rules: IncidentRules;
  private readonly hall: HallConfig;
  private readonly windows = new Map<string, WindowConfig>();
  private readonly data: IncidentSnapshot;
  private readonly hallRules: HallRules;

  constructor(options: IncidentEngineOptions, snapshot?: IncidentSnapshot) {
    this.hall = options.hall;
    parseSchedule(this.hall.schedule);
    const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    assertTimeZone(timeZone);
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
    this.hallRules = new HallRules(this.hall, timeZone, this.rules, this.windows, this.data);
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
    this.hallRules.fitSchedule(out);
    for (const [id, w] of Object.entries(this.data.windows)) {
      if (this.windows.has(id)) continue;
      const until = changes.find((c) => c.windowId === id)?.since ?? Infinity;
      // Without its configuration no sample interval is vouched for: only up to the last frame.
      const end = Math.min(until, w.lastFrameAt ?? Infinity, w.pendingSince ?? Infinity, h.cursor ?? Infinity);
      for (const incident of openWindowIncidents(w)) closeIncident(incident, Math.max(incident.openedAt, end), w.lastAbsentAt, out);
      delete this.data.windows[id];
    }
    for (const change of changes) if (this.windows.has(change.windowId)) out.push(...this.change(change, false));
    const used = new Set([...this.windows.values()].map((w) => w.cameraId));
    for (const [id, camera] of Object.entries(this.data.cameras)) {
      if (used.has(id)) continue;
      if (camera.incident) closeIncident(camera.incident, Math.max(camera.incident.openedAt, h.cursor ?? camera.at), null, out);
      delete this.data.cameras[id];
    }
    // A changed window list or minStaffedWindows may start or end a shortfall.
    if (h.cursor !== null) this.hallRules.evaluateGap(h.cursor, out);
    return out;
  }

  /** A presence change; `observed` false for one that only fits the state to a changed site. */
  private change(change: StateChange, observed: boolean): IncidentEvent[] {
    const out: IncidentEvent[] = [];
    this.hallRules.advance(change.at, out);
    const cfg = this.window(change.windowId);
    const w = this.data.windows[cfg.id];
    if (w.state === change.state) return out; // redelivered

    if (w.state === 'absent') {
      const end = Math.min(change.since, certainUntil(w, cfg));
      if (change.state === 'closed' && observed) this.earlyLeave(cfg, w, change.since, out);
      for (const incident of openWindowIncidents(w)) closeIncident(incident, end, w.lastAbsentAt, out);
      w.absence = w.late = null;
      if (w.queue) w.queue.mismatch = null;
      if (w.counter) w.counter.waiting = null;
    }
    // Nobody watched the counter meanwhile either: its run starts again at the next frame.
    if (w.counter && change.state !== 'absent' && change.state !== 'staffed') w.counter.since = null;
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
    this.hallRules.evaluateGap(change.since, out);
    return out;
  }

  frame(windowId: string, fact: FrameFact): IncidentEvent[] {
    assertTime('frame.at', fact.at);
    const out: IncidentEvent[] = [];
    this.hallRules.advance(fact.at, out);
    const cfg = this.window(windowId);
    const w = this.data.windows[cfg.id];
    if (w.lastFrameAt !== null && fact.at <= w.lastFrameAt) return out;
    w.lastFrameAt = fact.at;
    w.pendingSince = fact.pendingSince;
    if (fact.reading === 'staffed') w.lastStaffedAt = fact.at;
    if (fact.reading === 'absent') w.lastAbsentAt = fact.at;

    if (fact.reading === 'absent' && w.state === 'absent' && w.since !== null) {
      // A declared absence (暂离) counts from the declaration's end.
      const since = countedSince(w.away ?? [], w.since, fact.at);
      if (!w.absence && fact.at - since >= this.rules.absenceAfter)
        w.absence = openIncident(
          this.hall.id,
          'absence',
          { windowId, openedAt: since, detectedAt: fact.at },
          {
            thresholdAt: fact.at,
            ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
          },
          out,
        );
      if (
        w.lateEligible &&
        !w.late &&
        w.intervalStart !== null &&
        fact.at - (since > w.since ? since : w.intervalStart) >= this.rules.lateAfter
      )
        w.late = openIncident(
          this.hall.id,
          'late-opening',
          { windowId, openedAt: since, detectedAt: fact.at },
          {
            thresholdAt: fact.at,
            intervalStart: w.intervalStart,
            ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
          },
          out,
        );
      this.detectQueueMismatch(windowId, w, since, fact.at, out);
    }
    counterFrame(this.hall.id, this.rules, cfg, w, fact, out);
    this.hallRules.detectGap(fact.at, out);
    return out;
  }

  cameraStatus(cameraId: string, status: CameraStatusChange): IncidentEvent[] {
    assertTime('status.at', status.at);
    const onCamera = [...this.windows.values()].filter((w) => w.cameraId === cameraId);
    if (onCamera.length === 0) throw new Error(`unknown camera ${cameraId}`);
    const out: IncidentEvent[] = [];
    this.hallRules.advance(status.at, out);
    const previous = this.data.cameras[cameraId];
    if (previous && status.at <= previous.at) return out;
    let incident = previous?.incident ?? null;
    if (!status.online && !incident) {
      const frames = onCamera.map((w) => this.data.windows[w.id].lastFrameAt ?? -Infinity);
      const lastFrameAt = Math.max(...frames);
      incident = openIncident(
        this.hall.id,
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
      closeIncident(incident, status.at, null, out);
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
      closeIncident(q.mismatch, end, w.lastAbsentAt, out);
      q.mismatch = null;
    }
    q.state = state;
    q.since = event.at;
    q.opener = state === 'open' ? { event: event.event, staffId: event.staffId, at: event.at } : null;
    return out;
  }

  /**
   * A 暂离 declaration of a window (its limits checked where it was recorded): from then on an
   * absence inside it opens no incident, and past it counts from its end. An incident already
   * open stays open: it began before anyone declared anything.
   */
  away(declaration: AwayDeclaration): void {
    assertTime('away.from', declaration.from);
    assertTime('away.to', declaration.to);
    const w = this.data.windows[this.window(declaration.windowId).id];
    const kept = (w.away ?? []).filter((d) => d.to > declaration.from - AWAY_KEPT_MS);
    if (!kept.some((d) => d.from === declaration.from && d.to === declaration.to)) kept.push({ ...declaration });
    w.away = kept;
  }

  /** Applies the hall's schedule boundaries up to `at` (a staffing gap ends when the hall closes). */
  tick(at: number): IncidentEvent[] {
    assertTime('tick', at);
    const out: IncidentEvent[] = [];
    this.hallRules.advance(at, out);
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
    if (w.since === null || certainUntil(w, cfg) < end || w.lastAbsentAt === null) return;
    const since = countedSince(w.away ?? [], w.since, end);
    if (end - since < this.rules.earlyLeaveBefore) return;
    const incident = openIncident(
      this.hall.id,
      'early-leave',
      { windowId: cfg.id, openedAt: since, detectedAt: end },
      {
        thresholdAt: w.lastAbsentAt,
        intervalEnd: end,
        ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
      },
      out,
    );
    closeIncident(incident, end, w.lastAbsentAt, out);
  }

  /** On an empty frame of an absent window counted absent since `since`: open for calling and known absent for queueMismatchAfter. */
  private detectQueueMismatch(windowId: string, w: WindowRuleTrack, since: number, at: number, out: IncidentEvent[]): void {
    const q = w.queue;
    if (!q || q.state !== 'open' || q.since === null || q.mismatch) return;
    const start = Math.max(since, q.since);
    if (at - start < this.rules.queueMismatchAfter) return;
    q.mismatch = openIncident(
      this.hall.id,
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
}
