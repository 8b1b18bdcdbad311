import type { CameraState, LiveWindow, PresenceState, SiteWindow } from './api';

/** Why a camera shows nothing to judge: no frame comes (offline), or the same picture (frozen). */
export type CameraDown = 'offline' | 'frozen';

/** The outage of a window's camera, if it has one. */
export function cameraDown(camera: CameraState | undefined): CameraDown | undefined {
  return camera && camera.status !== 'online' ? camera.status : undefined;
}

/** What a window's tile shows: its camera's outage before anything the camera last saw. */
export function tileState(live: LiveWindow | undefined, camera: CameraState | undefined): PresenceState | CameraDown {
  return cameraDown(camera) ?? live?.state ?? 'unknown';
}

export interface HallStaffing {
  /** Windows seen staffed. */
  staffed: number;
  /** Windows whose camera is offline, and frozen: nobody can tell whether they are staffed. */
  offline: number;
  frozen: number;
  /** Other windows whose state is unknown (not judged yet, or the hall not judged now). */
  unknown: number;
  /**
   * `below`: fewer windows staffed than the minimum even if every window that cannot be seen were
   * staffed (the rule of the staffing-gap incident: only a certain shortfall counts); `uncertain`:
   * fewer seen staffed than the minimum, but windows that cannot be seen might make it up; `met`.
   */
  level: 'met' | 'uncertain' | 'below';
}

/** A hall's staffing against its minimum, never counting a window that cannot be seen as empty. */
export function hallStaffing(
  windows: SiteWindow[],
  states: Record<string, LiveWindow | undefined>,
  cameras: Record<string, CameraState | undefined>,
  minStaffedWindows: number,
): HallStaffing {
  const count = { staffed: 0, offline: 0, frozen: 0, unknown: 0, absent: 0, closed: 0 };
  for (const w of windows) count[tileState(states[w.id], cameras[w.cameraId])] += 1;
  const unseen = count.offline + count.frozen + count.unknown;
  const level = count.staffed >= minStaffedWindows ? 'met' : count.staffed + unseen < minStaffedWindows ? 'below' : 'uncertain';
  return { staffed: count.staffed, offline: count.offline, frozen: count.frozen, unknown: count.unknown, level };
}
