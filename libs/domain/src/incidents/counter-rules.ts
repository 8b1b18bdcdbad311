import { WindowConfig } from '../model';
import { FrameFact, IncidentEvent, IncidentRules, closeIncident, openIncident } from './incident';
import { WindowRuleTrack, newCounterTrack } from './rule-tracks';

/**
 * citizen-waiting-seat-empty (群众等候无人), on each accepted frame of a window with a counter zone:
 * it opens once every frame for waitingAtEmptyAfter showed someone at the counter while the seat
 * was known absent, from the later of the two beginnings; it closes when the counter empties (or
 * cannot be seen), where the frames last vouched for someone there. The seat's side (it turns
 * staffed or unknown) closes it with the window's other incidents (see IncidentEngine).
 */
export function counterFrame(
  hallId: string,
  rules: IncidentRules,
  cfg: WindowConfig,
  w: WindowRuleTrack,
  fact: FrameFact,
  out: IncidentEvent[],
): void {
  if (fact.citizens === undefined) return;
  const c = (w.counter ??= newCounterTrack());
  if (fact.citizens < 1) {
    if (c.waiting && c.lastAt !== null)
      closeIncident(c.waiting, Math.max(c.waiting.openedAt, Math.min(fact.at, c.lastAt + cfg.sampleEveryMs)), c.lastAt, out);
    c.waiting = null;
    c.since = null;
    return;
  }
  c.since ??= fact.at;
  c.lastAt = fact.at;
  // The seat must read empty on this very frame: a pending return or a doubtful frame opens nothing.
  if (c.waiting || fact.reading !== 'absent' || w.state !== 'absent' || w.since === null) return;
  const start = Math.max(w.since, c.since);
  if (fact.at - start < rules.waitingAtEmptyAfter) return;
  c.waiting = openIncident(
    hallId,
    'citizen-waiting-seat-empty',
    { windowId: cfg.id, openedAt: start, detectedAt: fact.at },
    {
      thresholdAt: fact.at,
      citizens: fact.citizens,
      ...(w.staffedBeforeAbsence !== null && { lastStaffedAt: w.staffedBeforeAbsence }),
    },
    out,
  );
}
