import { CAMERA_STATUSES, type CameraStatus, PRESENCE_STATES, type PresenceState } from '@hallwatch/domain';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const ID = /^[A-Za-z0-9_-]{1,64}$/;


/** hallwatch.camera.<cameraId>.status */
export class CameraStatusMessage {
  @Matches(ID) cameraId: string;
  @IsIn(CAMERA_STATUSES) status: CameraStatus;
  @IsISO8601() at: string;
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
}


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

// The vocabulary is the domain's; messages re-export it so transport code needs one import.
export { CAMERA_STATUSES, INCIDENT_KINDS, PRESENCE_STATES } from '@hallwatch/domain';
export type { CameraStatus, IncidentKind, PresenceState } from '@hallwatch/domain';
