import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export const CAMERA_STATUSES = ['online', 'offline'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

/** hallwatch.camera.<cameraId>.status */
export class CameraStatusMessage {
  @Matches(ID) cameraId: string;
  @IsIn(CAMERA_STATUSES) status: CameraStatus;
  @IsISO8601() at: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export const PRESENCE_STATES = ['staffed', 'absent', 'unknown', 'closed'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** hallwatch.presence.<windowId> */
export class PresenceMessage {
  @Matches(ID) windowId: string;
  @Matches(ID) hallId: string;
  @IsIn(PRESENCE_STATES) state: PresenceState;
  /** Capture time at which this state began. */
  @IsISO8601() since: string;
  /** Capture time at which the change was decided. */
  @IsISO8601() at: string;
}

export const INCIDENT_KINDS = ['absence', 'late-opening', 'early-leave', 'staffing-gap', 'camera-offline'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
