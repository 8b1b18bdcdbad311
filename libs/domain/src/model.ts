import { ScheduleSpec } from './schedule/schedule';

/** A service window (窗口): one staff seat watched by one camera zone. */
export interface WindowConfig {
  id: string;
  hallId: string;
  cameraId: string;
  /** Persons needed in the zone for the window to count as staffed (default 1). */
  minStaff?: number;
  schedule: ScheduleSpec;
  /** How often the window's camera is sampled, in ms. */
  sampleEveryMs: number;
}

/** A service hall holding several windows. */
export interface HallConfig {
  id: string;
  /** A staffing gap is a shortfall below this many staffed windows while the hall is open. */
  minStaffedWindows: number;
  schedule: ScheduleSpec;
}

/** Where a window is at a moment. */
export const PRESENCE_STATES = ['staffed', 'absent', 'unknown', 'closed'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** What an incident flags; see the incident rules. */
export const INCIDENT_KINDS = [
  'absence',
  'late-opening',
  'early-leave',
  'staffing-gap',
  'camera-offline',
  'queue-open-seat-empty',
  'citizen-waiting-seat-empty',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/**
 * Whether a camera delivers live video: `offline` when no frame comes, `frozen` when frames come
 * but the picture does not change. Only `online` frames are judged.
 */
export const CAMERA_STATUSES = ['online', 'offline', 'frozen'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

/** One camera sample of a window's zone. */
export interface Observation {
  /** Capture time of the frame. */
  at: number;
  persons: number;
  confidence: number;
  /** false when the frame cannot be judged, e.g. too dark or occluded. */
  judgeable: boolean;
  /** Persons in the window's counter zone in the same frame; undefined when the window has no counter zone. */
  citizens?: number;
}

/** A camera's status from the given time on. */
export interface CameraStatusChange {
  at: number;
  online: boolean;
  reason?: string;
}

/** A window entered `state` at `since` (when it really began); noticed at input time `at`. */
export interface StateChange {
  windowId: string;
  hallId: string;
  state: PresenceState;
  since: number;
  at: number;
  /**
   * When the window's state this change ends began, as the hall's holder recorded it; the domain
   * leaves it out, inference adds it to the outputs it saves (HallPersistence.append).
   */
  previousSince?: number;
}

export function assertTime(name: string, at: number): void {
  if (!Number.isFinite(at)) throw new RangeError(`${name}: ${at} is not an epoch-ms time`);
}
