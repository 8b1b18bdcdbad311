/**
 * Site key `evaluation.weights`. The four component weights share the base score's 100 points in
 * proportion (the defaults add up to 100); the deductions are points off per counted event.
 */
export interface EvaluationWeights {
  /** Weight of the attendance rate (a share, 0-1). */
  attendance: number;
  /** Weight of the on-time (限时办结) rate (a share, 0-1). */
  onTime: number;
  /** Weight of the mean satisfaction, read as (mean − 1) / 4 (1 → 0, 5 → 1). */
  satisfaction: number;
  /** Weight of cases per staffed hour, read as min(1, casesPerStaffedHour / throughputTarget). */
  throughput: number;
  /** Cases per staffed hour that earn the whole throughput weight. */
  throughputTarget: number;
  /** Points off per confirmed absence incident. */
  absenceIncident: number;
  /** Points off per verified complaint. */
  verifiedComplaint: number;
  /** Points off per confirmed queue-open-seat-empty incident. */
  queueMismatch: number;
  /** Points off per red card (红牌): a case still open past its deadline (yellow cards are warnings, counted only). */
  redCard: number;
}

export const DEFAULT_EVALUATION_WEIGHTS: Readonly<EvaluationWeights> = {
  attendance: 40,
  onTime: 20,
  satisfaction: 20,
  throughput: 20,
  throughputTarget: 4,
  absenceIncident: 2,
  verifiedComplaint: 5,
  queueMismatch: 2,
  redCard: 3,
};
