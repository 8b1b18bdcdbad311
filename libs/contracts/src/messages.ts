import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsId, IsInstant } from './ids';

export const CAMERA_STATUSES = ['online', 'offline'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

/** hallwatch.camera.<cameraId>.status */
export class CameraStatusMessage {
  @IsId() cameraId: string;
  @IsIn(CAMERA_STATUSES) status: CameraStatus;
  @IsInstant() at: string;
  /** ffmpeg's or the camera's words: not refused for odd characters, since losing a status is worse. */
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

export const PRESENCE_STATES = ['staffed', 'absent', 'unknown', 'closed'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** hallwatch.presence.<windowId> */
export class PresenceMessage {
  @IsId() windowId: string;
  @IsId() hallId: string;
  @IsIn(PRESENCE_STATES) state: PresenceState;
  /** Capture time at which this state began. */
  @IsInstant() since: string;
  /** Capture time at which the change was decided. */
  @IsInstant() at: string;
}

export const INCIDENT_KINDS = ['absence', 'late-opening', 'early-leave', 'staffing-gap', 'camera-offline'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
