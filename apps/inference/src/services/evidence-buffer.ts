import type { Incident, IncidentEvent } from '@hallwatch/domain';
import type { EvidenceRole } from '../repositories/evidence.repository';

/** A JPEG and when it was captured. */
export interface StoredFrame {
  at: number;
  jpeg: Buffer;
}

/** A frame chosen as evidence: n = 3 * (index of the camera) + role. */
export interface EvidenceFrame {
  n: number;
  role: EvidenceRole;
  cameraId: string;
  frame: StoredFrame;
}

const ROLES: EvidenceRole[] = ['last-staffed', 'threshold', 'end'];

/**
 * The few frames evidence may need, in bounded memory: each camera's most recent frames (to find
 * the one nearest a moment decided by a tick rather than a frame) and each window's last frame in
 * which it was staffed; and the choice of an incident event's evidence among them.
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

  /** Drops what is kept of these cameras and windows (their hall is no longer held). */
  forget(cameras: readonly string[], windows: readonly string[]): void {
    for (const cameraId of cameras) this.recent.delete(cameraId);
    for (const windowId of windows) this.lastStaffed.delete(windowId);
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

  /**
   * The evidence of an incident event from `cameras` (those that saw its windows): when it opens,
   * the last staffed frame and the one at the threshold; when it closes, one from the end.
   */
  choose({ type, incident }: IncidentEvent, cameras: string[]): EvidenceFrame[] {
    const e = incident.evidence;
    const wanted: [EvidenceRole, number | undefined][] =
      type === 'opened'
        ? [
            ['last-staffed', e.lastStaffedAt ?? e.lastFrameAt],
            ['threshold', e.thresholdAt],
          ]
        : [['end', e.endAt ?? incident.closedAt]];
    const chosen: EvidenceFrame[] = [];
    for (const [c, cameraId] of cameras.entries()) {
      for (const [role, at] of wanted) {
        const frame = at === undefined ? undefined : this.frameAt(cameraId, role, incident, at);
        if (frame) chosen.push({ n: 3 * c + ROLES.indexOf(role), role, cameraId, frame });
      }
    }
    return chosen;
  }

  private frameAt(cameraId: string, role: EvidenceRole, incident: Incident, at: number): StoredFrame | undefined {
    if (role === 'last-staffed' && incident.windowId) {
      // The staffed frame from before the condition began, not a stray one seen since.
      const staffed = this.lastStaffedFrame(incident.windowId);
      return staffed && staffed.at <= incident.openedAt ? staffed : undefined;
    }
    return this.nearest(cameraId, at);
  }
}
