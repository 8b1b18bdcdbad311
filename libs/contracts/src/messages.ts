import { CAMERA_STATUSES, type CameraStatus, PRESENCE_STATES, type PresenceState } from '@hallwatch/domain';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsId, IsInstant } from './ids';

/** hallwatch.camera.<cameraId>.status */
export class CameraStatusMessage {
  @IsId() cameraId: string;
  @IsIn(CAMERA_STATUSES) status: CameraStatus;
  @IsInstant() at: string;
  /** ffmpeg's or the camera's words: not refused for odd characters, since losing a status is worse. */
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

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

// The vocabulary is the domain's; messages re-export it so transport code needs one import.
export { CAMERA_STATUSES, INCIDENT_KINDS, PRESENCE_STATES } from '@hallwatch/domain';
export type { CameraStatus, IncidentKind, PresenceState } from '@hallwatch/domain';
