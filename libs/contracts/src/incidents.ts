import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { INCIDENT_KINDS, IncidentKind } from './messages';

/** Hall, window and camera ids (as the site file allows them). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Incident ids are made by the domain from kind, subject and start time. */
export const INCIDENT_ID_PATTERN = /^[A-Za-z0-9_:.-]{1,200}$/;
const ID = ID_PATTERN;
const INCIDENT_ID = INCIDENT_ID_PATTERN;

/**
 * Where an incident stands: open/closed while nobody has reviewed it, then what the supervision
 * bureau decided. A confirmed incident keeps its evidence past the retention period.
 */
export const INCIDENT_STATUSES = ['open', 'closed', 'confirmed', 'dismissed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const REVIEW_DECISIONS = ['confirmed', 'dismissed'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** hallwatch.incident.<kind>: published when an incident opens and again when it closes. */
export class IncidentMessage {
  @Matches(INCIDENT_ID) id: string;
  @IsIn(INCIDENT_KINDS) kind: IncidentKind;
  @Matches(ID) hallId: string;
  /** The window concerned; absent for hall-wide (staffing-gap) and camera-wide (camera-offline) incidents. */
  @IsOptional() @Matches(ID) windowId?: string;
  /** Every window the incident covers (a camera's windows, a hall's short-staffed windows). */
  @IsOptional() @IsArray() @ArrayMaxSize(500) @Matches(ID, { each: true }) windowIds?: string[];
  @IsOptional() @Matches(ID) cameraId?: string;
  /** Staff on the roster for the window at openedAt, when known. */
  @IsOptional() @IsString() @MaxLength(200) staff?: string;
  /** Capture time at which the condition began. */
  @IsISO8601() openedAt: string;
  /** Capture time at which the condition ended; set on the close message. */
  @IsOptional() @IsISO8601() closedAt?: string;
  @IsOptional() @IsInt() @Min(0) durationMs?: number;
}

/**
 * hallwatch.incident.reviewed: published by inference after each review decision, with the
 * incident, so reporting counts confirmed and dismissed incidents.
 */
export class IncidentReviewedMessage extends IncidentMessage {
  @IsIn(REVIEW_DECISIONS) review: ReviewDecision;
  /** When the decision was made; a later decision replaces an earlier one, whatever the arrival order. */
  @IsISO8601() reviewedAt: string;
}

/** Request/reply subjects the inference service answers for the gateway. */
export const InferenceRequests = {
  liveWindows: 'hallwatch.inference.windows.live',
  listIncidents: 'hallwatch.inference.incidents.list',
  getIncident: 'hallwatch.inference.incidents.get',
  incidentEvidence: 'hallwatch.inference.incidents.evidence',
  reviewIncident: 'hallwatch.inference.incidents.review',
} as const;

/** Payload of InferenceRequests.liveWindows; halls undefined = every hall. */
export class LiveWindowsRequest {
  @IsOptional() @IsArray() @Matches(ID, { each: true }) halls?: string[];
}

export interface LiveWindowState {
  windowId: string;
  hallId: string;
  name: string;
  state: 'staffed' | 'absent' | 'unknown' | 'closed';
  /** Capture time at which the state began; null for a window not observed yet. */
  since: string | null;
}

/** Payload of InferenceRequests.listIncidents. */
export class IncidentQuery {
  @IsOptional() @IsArray() @Matches(ID, { each: true }) halls?: string[];
  @IsOptional() @Matches(ID) windowId?: string;
  @IsOptional() @IsIn(INCIDENT_KINDS) kind?: IncidentKind;
  @IsOptional() @IsIn(INCIDENT_STATUSES) status?: IncidentStatus;
  /** Incidents still going at or after this time. */
  @IsOptional() @IsISO8601() from?: string;
  /** Incidents that opened before this time. */
  @IsOptional() @IsISO8601() to?: string;
}

/** Payload of InferenceRequests.getIncident (and, with n, incidentEvidence). */
export class IncidentRef {
  @Matches(INCIDENT_ID) id: string;
  @IsOptional() @IsInt() @Min(0) n?: number;
}

/** Payload of InferenceRequests.reviewIncident. */
export class IncidentReviewRequest {
  @Matches(INCIDENT_ID) id: string;
  @IsIn(REVIEW_DECISIONS) status: ReviewDecision;
  @IsString() @MinLength(1) @MaxLength(2000) reason: string;
  @IsString() @MinLength(1) @MaxLength(200) by: string;
}

/** One change to an incident: who, when (ISO 8601), what (confirmed | dismissed) and why. */
export interface AuditEntry {
  by: string;
  at: string;
  action: string;
  reason?: string;
}

export interface EvidenceInfo {
  /** Index for GET /api/incidents/:id/evidence/:n. */
  n: number;
  /** last-staffed | threshold | end */
  role: string;
  capturedAt: string;
}

/** An incident as the gateway shows it. */
export interface IncidentView extends IncidentMessage {
  status: IncidentStatus;
  audit: AuditEntry[];
  evidence: EvidenceInfo[];
}

/** Reply to InferenceRequests.incidentEvidence. */
export interface EvidenceImage {
  contentType: 'image/jpeg';
  /** The JPEG, base64. */
  data: string;
}
