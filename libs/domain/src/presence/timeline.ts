import { Interval, clip } from '../intervals/intervals';
import { PresenceState, StateChange } from '../model';

/**
 * Turns one window's state changes (in the order emitted) into intervals per state within
 * `range`; the last state lasts until range.end. Time before the first change is in no
 * state, so `attendance` reports it as unknown.
 */
export function presenceIntervals(changes: readonly StateChange[], range: Interval): Record<PresenceState, Interval[]> {
  const out: Record<PresenceState, Interval[]> = { staffed: [], absent: [], unknown: [], closed: [] };
  changes.forEach((c, i) => {
    const end = i + 1 < changes.length ? changes[i + 1].since : range.end;
    out[c.state].push({ start: c.since, end });
  });
  for (const state of Object.keys(out) as PresenceState[]) out[state] = clip(out[state], range);
  return out;
}
