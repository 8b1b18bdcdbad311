/** A JPEG and when it was captured. */
export interface StoredFrame {
  at: number;
  jpeg: Buffer;
}

/**
 * The few frames evidence may need, in bounded memory: each camera's most recent frames (to find
 * the one nearest a moment decided by a tick rather than a frame) and each window's last frame in
 * which it was staffed.
 */
export class EvidenceBuffer {
  private readonly recent = new Map<string, StoredFrame[]>();
  private readonly lastStaffed = new Map<string, StoredFrame>();

  constructor(private readonly perCamera = 16) {}

  addFrame(cameraId: string, frame: StoredFrame): void {
    const ring = this.recent.get(cameraId) ?? [];
    ring.push(frame);
    if (ring.length > this.perCamera) ring.shift();
    this.recent.set(cameraId, ring);
  }

  markStaffed(windowId: string, frame: StoredFrame): void {
    this.lastStaffed.set(windowId, frame);
  }

  lastStaffedFrame(windowId: string): StoredFrame | undefined {
    return this.lastStaffed.get(windowId);
  }

  /** The camera's kept frame captured nearest to `at` (ties go to the earlier one). */
  nearest(cameraId: string, at: number): StoredFrame | undefined {
    let best: StoredFrame | undefined;
    for (const frame of this.recent.get(cameraId) ?? []) {
      if (!best || Math.abs(frame.at - at) < Math.abs(best.at - at)) best = frame;
    }
    return best;
  }
}
