/** An incident its store holds open (times epoch ms). */
export interface StoredOpenIncident {
  id: string;
  openedAt: number;
  /** Capture times of its evidence frames as its record keeps them (their SHA-256s). */
  evidenceAt: readonly number[];
}

/** A stored open incident that closes because the hall's rules do not hold it open: when, and why (its audit entry's reason). */
export interface UnheldClose {
  id: string;
  closedAt: number;
  reason: string;
}

export const UNHELD_CLOSE_REASON =
  'the hall state was restored from an earlier time that does not know this incident, so its end was not observed: closed at the last time its record shows';

/**
 * The hall's stored open incidents that its rules (`held`: HallMonitor#heldOpenIncidents) do not
 * hold open, so nothing would ever close them: after a restore, incidents opened after the backup
 * and rebuilt from the stream, which the backup's hall state never saw. Like a camera going
 * offline or a suspended hall, each closes where what was observed of it ends: the latest of its
 * opening and its evidence frames (the threshold frame showed its condition). Not at a review's or
 * an excuse's time, nor now: those say nothing of the seat, and would lengthen the absence past
 * what was observed.
 */
export function unheldCloses(stored: readonly StoredOpenIncident[], held: ReadonlySet<string>): UnheldClose[] {
  return stored
    .filter((incident) => !held.has(incident.id))
    .map((incident) => ({ id: incident.id, closedAt: Math.max(incident.openedAt, ...incident.evidenceAt), reason: UNHELD_CLOSE_REASON }));
}
