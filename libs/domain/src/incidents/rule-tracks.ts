import { PresenceState, WindowConfig } from '../model';
import { QueueSessionState } from '../queue/queue-session';
import { AwayDeclaration } from './away';
import { Incident, IncidentEvidence } from './incident';

/** What the incident rules remember of one window. */
export interface WindowRuleTrack {
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
  /** 暂离 declarations of the last day (AWAY_KEPT_MS); missing in snapshots saved before them. */
  away?: AwayDeclaration[];
  /** Only for a window with a counter zone, from its first frame. */
  counter?: CounterTrack;
}

/** A window's counter zone (the citizens' side) as its frames showed it. */
export interface CounterTrack {
  /** First frame of the current run of frames showing someone there; null when the last frame showed nobody or could not be judged. */
  since: number | null;
  /** The last frame showing someone there. */
  lastAt: number | null;
  waiting: Incident | null;
}

/** A window's queue session as its events told it. */
export interface QueueTrack {
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

/** A window's incidents still open (closed together when its absence ends). */
export function openWindowIncidents(w: WindowRuleTrack): Incident[] {
  return [w.absence, w.late, w.queue?.mismatch, w.counter?.waiting].filter((i): i is Incident => !!i);
}

/** The ids of every incident the rules hold open: each closes when its condition is seen to end. */
export function heldOpenIncidents(snapshot: IncidentSnapshot): Set<string> {
  const open = [
    ...Object.values(snapshot.windows).flatMap(openWindowIncidents),
    snapshot.hall.gap,
    ...Object.values(snapshot.cameras).map((c) => c.incident),
  ];
  return new Set(open.flatMap((i) => (i ? [i.id] : [])));
}

export function newWindowTrack(): WindowRuleTrack {
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

export function newCounterTrack(): CounterTrack {
  return { since: null, lastAt: null, waiting: null };
}

export function newQueueTrack(): QueueTrack {
  return { state: 'closed', since: null, at: null, opener: null, mismatch: null };
}

/**
 * How long an absent window is known to be absent: a frame vouches for one sample
 * interval, and a pending run of staffed frames may end the absence at its first frame.
 */
export function certainUntil(w: WindowRuleTrack, cfg: WindowConfig): number {
  const fresh = w.lastFrameAt === null ? -Infinity : w.lastFrameAt + cfg.sampleEveryMs;
  return Math.min(fresh, w.pendingSince ?? Infinity);
}
