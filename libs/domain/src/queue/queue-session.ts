import { Interval, clip } from '../intervals/intervals';

/**
 * Default of site key rules.waitTarget: a citizen should be called within 30 min of taking a
 * ticket (the throughput report's share of waits over it).
 */
export const DEFAULT_WAIT_TARGET = 30 * 60_000;

/** What a hall's queue system (排队叫号) reports about a window. */
export const QUEUE_EVENTS = ['login', 'pause', 'resume', 'logout'] as const;
export type QueueEventKind = (typeof QUEUE_EVENTS)[number];

/** open: logged in and calling; paused: logged in, not calling; closed: nobody logged in. */
export const QUEUE_SESSION_STATES = ['open', 'paused', 'closed'] as const;
export type QueueSessionState = (typeof QUEUE_SESSION_STATES)[number];

/** One queue event of a window; `at` is the queue system's time of it (epoch ms). */
export interface QueueEvent {
  windowId: string;
  staffId: string;
  event: QueueEventKind;
  at: number;
}

/**
 * The session state after `event`, whatever came before: the queue system says what the window
 * does from now on. So the last event alone tells the state, also across days.
 */
export function queueStateAfter(event: QueueEventKind): QueueSessionState {
  return event === 'logout' ? 'closed' : event === 'pause' ? 'paused' : 'open';
}

/** A window's open and paused time within a range, per staff id (the staffId of the event that began it). */
export type QueueSessions = Map<string, { open: Interval[]; paused: Interval[] }>;

/**
 * The session of one window over `range`, from its events in time order: the last one before
 * range.start (if any) and those within. Each state lasts until the next event.
 */
export function queueSessions(events: readonly QueueEvent[], range: Interval): QueueSessions {
  const out: QueueSessions = new Map();
  events.forEach((e, i) => {
    const state = queueStateAfter(e.event);
    if (state === 'closed') return;
    const end = i + 1 < events.length ? events[i + 1].at : range.end;
    const staff = out.get(e.staffId) ?? { open: [], paused: [] };
    out.set(e.staffId, staff);
    staff[state].push(...clip([{ start: e.at, end }], range));
  });
  return out;
}
