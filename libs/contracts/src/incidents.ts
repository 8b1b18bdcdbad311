import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { IsId, IsInstant, IsPlainText } from './ids';
import { INCIDENT_KINDS, IncidentKind } from './messages';
import { IsQueueEvent, QueueEventMessage } from './queue';

/**
 * Where an incident stands: open/closed while nobody has reviewed it, excused (an absence or
 * late opening while the rostered staff was on approved leave, until a review), then what the
 * supervision bureau decided; `appealed` while an appeal awaits the bureau's next decision
 * (undecided). A confirmed or appealed incident keeps its evidence past the retention period.
 */
export const INCIDENT_STATUSES = ['open', 'closed', 'excused', 'confirmed', 'dismissed', 'appealed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const REVIEW_DECISIONS = ['confirmed', 'dismissed'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
/** What hallwatch.incident.reviewed carries: a decision, or an appeal that makes the incident undecided again. */
export const REVIEW_CHANGES = [...REVIEW_DECISIONS, 'appealed'] as const;
export type ReviewChange = (typeof REVIEW_CHANGES)[number];

/** hallwatch.incident.<kind>: published when an incident opens and again when it closes. */
export class IncidentMessage {
  @IsId() id: string;
  @IsIn(INCIDENT_KINDS) kind: IncidentKind;
  @IsId() hallId: string;
  /** The window concerned; absent for hall-wide (staffing-gap) and camera-wide (camera-offline) incidents. */
  @IsOptional() @IsId() windowId?: string;
  /** Every window the incident covers (a camera's windows, a hall's short-staffed windows). */
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsId({ each: true }) windowIds?: string[];
  @IsOptional() @IsId() cameraId?: string;
  /** Staff on the roster for the window at openedAt, when known. */
  @IsOptional() @IsString() @MaxLength(200) @IsPlainText() staff?: string;
  /** Capture time at which the condition began. */
  @IsInstant() openedAt: string;
  /** Capture time at which the condition ended; set on the close message. */
  @IsOptional() @IsInstant() closedAt?: string;
  @IsOptional() @IsInt() @Min(0) durationMs?: number;
  /** queue-open-seat-empty: the queue event (login or resume) that opened the session for calling. */
  @IsOptional() @IsQueueEvent() queueEvent?: QueueEventMessage;
  /** The approved leave that excuses it (absence and late-opening only). */
  @IsOptional() @IsId() leaveId?: string;
}

/**
 * hallwatch.incident.reviewed: published by inference after each review decision and each appeal,
 * with the incident, so reporting counts confirmed, dismissed and appealed (undecided) incidents.
 */
export class IncidentReviewedMessage extends IncidentMessage {
  @IsIn(REVIEW_CHANGES) review: ReviewChange;
  /**
   * When the decision or appeal was made; a later one replaces an earlier one, whatever the
   * arrival order (inference makes each incident's audit times strictly increasing).
   */
  @IsInstant() reviewedAt: string;
}

/**
 * hallwatch.incident.excused: published by inference when a leave registered after an incident
 * opened excuses it (an incident excused at open carries leaveId on its own messages).
 */
export class IncidentExcusedMessage extends IncidentMessage {
  /** When it was excused; leaveId is set. */
  @IsInstant() excusedAt: string;
}

/** Request/reply subjects the inference service answers for the gateway. */
export const InferenceRequests = {
  liveWindows: 'hallwatch.inference.windows.live',
  listIncidents: 'hallwatch.inference.incidents.list',
  getIncident: 'hallwatch.inference.incidents.get',
  incidentEvidence: 'hallwatch.inference.incidents.evidence',
  reviewIncident: 'hallwatch.inference.incidents.review',
  appealIncident: 'hallwatch.inference.incidents.appeal',
  /** Halls that keep failing (no payload); the gateway's `/api/health` names them. */
  failingHalls: 'hallwatch.inference.halls.failing',
} as const;

/** A hall that stopped on an error `failures` times in a row, the first at `since`: nobody judges it meanwhile. */
export interface FailingHall {
  hallId: string;
  failures: number;
  since: string;
}

/** Payload of InferenceRequests.liveWindows; halls undefined = every hall. */
export class LiveWindowsRequest {
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
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
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
  @IsOptional() @IsId() windowId?: string;
  @IsOptional() @IsIn(INCIDENT_KINDS) kind?: IncidentKind;
  @IsOptional() @IsIn(INCIDENT_STATUSES) status?: IncidentStatus;
  /** Incidents still going at or after this time. */
  @IsOptional() @IsInstant() from?: string;
  /** Incidents that opened before this time. */
  @IsOptional() @IsInstant() to?: string;
}

/** Payload of InferenceRequests.getIncident. */
export class IncidentRef {
  @IsId() id: string;
}

/** Payload of InferenceRequests.incidentEvidence: frame n, looked at by `by` (kept in the audit trail). */
export class EvidenceRef extends IncidentRef {
  @IsInt() @Min(0) n: number;
  @IsString() @MinLength(1) @MaxLength(200) @IsPlainText() by: string;
}

/** Payload of InferenceRequests.reviewIncident. */
export class IncidentReviewRequest {
  @IsId() id: string;
  @IsIn(REVIEW_DECISIONS) status: ReviewDecision;
  @IsString() @MinLength(1) @MaxLength(2000) @IsPlainText() reason: string;
  @IsString() @MinLength(1) @MaxLength(200) @IsPlainText() by: string;
}

/** Payload of InferenceRequests.appealIncident: the staff member's appeal, filed by `by` (a hall manager or admin). */
export class IncidentAppealRequest {
  @IsId() id: string;
  @IsString() @MinLength(1) @MaxLength(2000) @IsPlainText() reason: string;
  @IsString() @MinLength(1) @MaxLength(200) @IsPlainText() by: string;
}

/** Audit actions besides the review decisions. */
export const AuditActions = { appealed: 'appealed', evidenceViewed: 'evidence-viewed' } as const;

/**
 * One change to an incident or look at it: who, when (ISO 8601), what (confirmed | dismissed |
 * appealed | evidence-viewed), why, and for a view which evidence frame (n).
 */
export interface AuditEntry {
  by: string;
  at: string;
  action: string;
  reason?: string;
  n?: number;
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
