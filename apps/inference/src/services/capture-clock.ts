/**
 * Time as the cameras tell it. Every duration is measured in capture time, so between frames the
 * clock runs on from the newest capture time at the wall clock's pace; while frames still wait for
 * the detector it holds at the oldest waiting one, so a backlog never makes a camera look stale.
 */
export class CaptureClock {
  private latest?: { capturedAt: number; receivedAt: number };

  /** A frame captured at `capturedAt` arrived at wall time `receivedAt`. */
  received(capturedAt: number, receivedAt: number): void {
    if (!this.latest || capturedAt > this.latest.capturedAt) this.latest = { capturedAt, receivedAt };
  }

  /**
   * Capture time now; `oldestWaiting` is the capture time of the oldest frame not yet analysed.
   * Undefined before the first frame: the server's clock must not stand in for the cameras'.
   */
  now(wallNow: number, oldestWaiting?: number): number | undefined {
    if (!this.latest) return undefined;
    const running = this.latest.capturedAt + Math.max(0, wallNow - this.latest.receivedAt);
    return oldestWaiting === undefined ? running : Math.min(running, oldestWaiting);
  }
}
