import { Box, boxZoneOverlap, intersectionOverUnion, Polygon } from '../geometry/zone-geometry';

/** A person box in frame fractions. */
export interface PersonBox {
  readonly box: Box;
  readonly score: number;
}

export interface OccupancyThresholds {
  /** Person score at which an empty zone becomes occupied. */
  readonly enter: number;
  /** Person score that keeps an occupied zone occupied (hysteresis: below enter, so one weak frame is not an absence). */
  readonly stay: number;
  /** Minimum boxZoneOverlap for a person to count for a zone. */
  readonly minOverlap: number;
  /** An occupied answer is confident (reusable while the zone is unchanged) at this score or above. */
  readonly confidentOccupied: number;
  /** An empty answer is confident when no person in the zone scores this much. */
  readonly confidentEmpty: number;
}

export interface ZoneEvidence {
  /** Best score of a person overlapping the zone, 0 when none. */
  readonly best: number;
  /** Distinct persons in the zone scoring at least `stay`. */
  readonly persons: number;
}

export interface ZoneDecision {
  readonly occupied: boolean;
  /** Confidence in the answer given (occupied or empty), 0.5..1. */
  readonly confidence: number;
  /** Whether the answer may be reused while the zone's pixels do not change. */
  readonly confident: boolean;
  readonly persons: number;
}

/** CenterNet rarely scores even a clear, whole person above this; it maps to confidence 1. */
const CERTAIN_SCORE = 0.7;

/** Overlapping boxes of one person found twice (e.g. in two tiles, or twice by CenterNet) count once. */
const DUPLICATE_IOU = 0.5;

export function zoneEvidence(polygon: Polygon, persons: readonly PersonBox[], thresholds: OccupancyThresholds): ZoneEvidence {
  const inZone = persons.filter((p) => boxZoneOverlap(p.box, polygon) >= thresholds.minOverlap).sort((a, b) => b.score - a.score);
  const distinct: PersonBox[] = [];
  for (const p of inZone) {
    if (p.score >= thresholds.stay && distinct.every((d) => intersectionOverUnion(d.box, p.box) < DUPLICATE_IOU)) distinct.push(p);
  }
  return { best: inZone[0]?.score ?? 0, persons: distinct.length };
}

/**
 * The occupancy rule for one zone and one detector pass: occupied when a person overlapping the
 * zone scores at least `enter`, or at least `stay` if the zone was occupied at its previous
 * answer. Never from motion alone: only a person detection can make a zone occupied.
 */
export function decideOccupancy(evidence: ZoneEvidence, wasOccupied: boolean, t: OccupancyThresholds): ZoneDecision {
  const occupied = evidence.best >= (wasOccupied ? t.stay : t.enter);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  const confidence = occupied
    ? 0.5 + 0.5 * clamp((evidence.best - t.stay) / (CERTAIN_SCORE - t.stay))
    : 0.5 + 0.5 * clamp((t.enter - evidence.best) / (t.enter - t.confidentEmpty));
  return {
    occupied,
    confidence: Math.round(confidence * 100) / 100,
    confident: occupied ? evidence.best >= t.confidentOccupied : evidence.best < t.confidentEmpty,
    persons: occupied ? evidence.persons : 0,
  };
}
