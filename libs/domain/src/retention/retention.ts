/** Reviews whose incident keeps its record and evidence past retention: a confirmation, and an appeal awaiting its decision. */
export const KEPT_REVIEWS: readonly string[] = ['confirmed', 'appealed'];

/** What keepsEvidence reads of an incident (epoch ms). */
export interface RetainedIncident {
  /** Missing or null while the incident is open. */
  closedAt?: number | null;
  review?: string | null;
}

/**
 * Whether an incident's evidence frames stay at a purge: while it is open, confirmed or appealed,
 * and within its review window, i.e. closed at or after `reviewWindowStart` (the evidence
 * retention before the purge's time), however old the frames themselves are.
 */
export function keepsEvidence(incident: RetainedIncident, reviewWindowStart: number): boolean {
  if (incident.closedAt === undefined || incident.closedAt === null) return true;
  if (incident.review && KEPT_REVIEWS.includes(incident.review)) return true;
  return incident.closedAt >= reviewWindowStart;
}

/** How far the host clock may run ahead of the purge's references. */
export const PURGE_CLOCK_TOLERANCE_MS = 60_000;

/** Times the host clock is checked against before a purge (epoch ms; missing: not known). */
export interface ClockReferences {
  /** The NATS server's clock, read at about the same moment as the host's. */
  natsServer?: number;
  /** The newest state any instance has stored (written every few seconds while halls are watched). */
  newestStored?: number;
}

/**
 * Why a purge must not run with the host clock at `now`, or undefined when it may: a host ahead
 * of the NATS server's time or of the newest stored state by more than `tolerance` (booted with a
 * wrong clock, say) would take recent incidents and evidence for expired ones.
 */
export function purgeClockRefusal(now: number, references: ClockReferences, tolerance = PURGE_CLOCK_TOLERANCE_MS): string | undefined {
  const ahead = (reference: number | undefined, name: string) =>
    reference !== undefined && now - reference > tolerance
      ? `the host clock (${new Date(now).toISOString()}) is ${((now - reference) / 1000).toFixed(3)} s ahead of ${name} (${new Date(reference).toISOString()})`
      : undefined;
  const reasons = [ahead(references.natsServer, "the NATS server's clock"), ahead(references.newestStored, 'the newest stored hall state')];
  const found = reasons.filter((r) => r !== undefined);
  return found.length > 0 ? `${found.join('; ')}; more than ${tolerance / 1000} s` : undefined;
}
