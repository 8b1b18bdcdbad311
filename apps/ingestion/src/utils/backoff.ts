export interface BackoffPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** Cap on any delay, however many attempts failed. */
  maxMs: number;
}

export const CAMERA_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60000 };

/**
 * Delay before retry number `attempt` (0 = first retry): exponential, capped, with "equal jitter"
 * (half fixed, half random) so that cameras behind one failed switch do not all reconnect in step.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = CAMERA_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
