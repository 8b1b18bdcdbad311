/** A capture stamp further ahead of its receipt than this is refused (the camera's clock is wrong). */
export const MAX_AHEAD_MS = 5_000;
/** A capture stamp further behind its receipt than this is refused (a stale delivery or a wrong clock). */
export const MAX_BEHIND_MS = 60_000;
/**
 * A camera that sent nothing since this instance started following it runs on the server's clock
 * this far behind, so a silent hall still turns unknown, while a camera host a few seconds behind
 * the server does not see its first frames overtaken by ticks.
 */
export const UNSEEN_LAG_MS = 10_000;

/** A capture stamp checked against receipt: the time to use, or why the frame is refused. */
export type StampCheck = { ok: true; at: number; clamped: boolean } | { ok: false; reason: string };

/**
 * Checks `capturedAt` against the receipt time. Slightly ahead (a camera clock a little fast)
 * is clamped to the receipt, since nothing is captured after it is received; further ahead or
 * far behind is refused: such a stamp would stop time or be ignored anyway.
 */
export function checkStamp(capturedAt: number, receivedAt: number): StampCheck {
  const ahead = capturedAt - receivedAt;
  if (ahead > MAX_AHEAD_MS)
    return { ok: false, reason: `captured ${Math.round(ahead / 1000)} s after it was received (more than ${MAX_AHEAD_MS / 1000} s ahead)` };
  if (-ahead > MAX_BEHIND_MS)
    return {
      ok: false,
      reason: `captured ${Math.round(-ahead / 1000)} s before it was received (more than ${MAX_BEHIND_MS / 1000} s behind)`,
    };
  return ahead > 0 ? { ok: true, at: receivedAt, clamped: true } : { ok: true, at: capturedAt, clamped: false };
}

/**
 * Time as each camera tells it. Durations are measured in capture time, so between frames a
 * camera's clock runs on from its newest capture time at the wall clock's pace (a silent camera's
 * time still passes); while its frames wait for the detector it holds at the oldest waiting one,
 * so a backlog never makes it look stale. Each camera has its own clock: one host's skew moves
 * only its own windows.
 */
export class CaptureClocks {
  private readonly latest = new Map<string, { capturedAt: number; receivedAt: number }>();

  /** A frame of `cameraId` captured at `capturedAt` (already checked) arrived at wall time `receivedAt`. */
  received(cameraId: string, capturedAt: number, receivedAt: number): void {
    const latest = this.latest.get(cameraId);
    if (!latest || capturedAt > latest.capturedAt) this.latest.set(cameraId, { capturedAt, receivedAt });
  }

  /** Forgets a camera no longer followed: followed again, it starts like a camera not heard from. */
  forget(cameraId: string): void {
    this.latest.delete(cameraId);
  }

  /**
   * The camera's capture time now; `oldestWaiting` is the capture time of its oldest frame not yet
   * analysed. A camera not heard from yet runs UNSEEN_LAG_MS behind the server's clock.
   */
  now(cameraId: string, wallNow: number, oldestWaiting?: number): number {
    const latest = this.latest.get(cameraId);
    const running = latest ? latest.capturedAt + Math.max(0, wallNow - latest.receivedAt) : wallNow - UNSEEN_LAG_MS;
    return oldestWaiting === undefined ? running : Math.min(running, oldestWaiting);
  }
}
