import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { NotBefore } from './cases';
import { IsId, IsInstant, IsPlainText, IsText, NAME_MAX, IsReason } from './ids';
import { INCIDENT_KINDS, IncidentKind } from './messages';
import { IsCursor, Page, PAGE_LIMIT } from './paging';
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
/** What a `reviewed` incident event carries: a decision, or an appeal that makes the incident undecided again. */
export const REVIEW_CHANGES = [...REVIEW_DECISIONS, 'appealed'] as const;
export type ReviewChange = (typeof REVIEW_CHANGES)[number];

/**
 * An incident as its events carry it (IncidentEventMessages): alone on hallwatch.incident.<windowId>.opened
 * when it opens and on .closed when it closes.
 */
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
  /** camera-offline: why, `frozen` for a picture that stopped changing, else ingestion's words (e.g. ffmpeg's). */
  @IsOptional() @IsString() @MaxLength(500) reason?: string;
  /** queue-open-seat-empty: the queue event (login or resume) that opened the session for calling. */
  @IsOptional() @IsQueueEvent() queueEvent?: QueueEventMessage;
  /** The approved leave that excuses it (absence and late-opening only). */
  @IsOptional() @IsId() leaveId?: string;
  /**
   * The audit entry this event appended (who, why, its place in the chain): a review's or an
   * appeal's on `reviewed`, an excuse's on `excused` and on the `opened` or `closed` that excused
   * it, an un-excuse's on `unexcused`; so that inference can put its incidents and their trails
   * back from the stream after a restore from an older backup. Missing when the event appended
   * none, and on messages from before it was carried.
   */
  @IsOptional() @IsObject() audit?: AuditEntry;
}

/**
 * hallwatch.incident.<windowId>.reviewed: published by inference after each review decision and
 * each appeal, with the incident, so reporting counts confirmed, dismissed and appealed
 * (undecided) incidents.
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
 * hallwatch.incident.<windowId>.excused: published by inference when a leave registered after an
 * incident opened excuses it (an incident excused at open carries leaveId on its own messages).
 */
export class IncidentExcusedMessage extends IncidentMessage {
  /** When it was excused; leaveId is set. */
  @IsInstant() excusedAt: string;
}

/**
 * hallwatch.incident.<windowId>.unexcused: published by inference when the leave that excused an
 * incident is revoked; the incident is as it is now (no leaveId, unless another approved leave
 * excuses it).
 */
export class IncidentUnexcusedMessage extends IncidentMessage {
  /** The revoked leave. */
  @IsId() revokedLeaveId: string;
  @IsInstant() unexcusedAt: string;
}

/** Request/reply subjects the inference service answers for the gateway. */
export const InferenceRequests = {
  liveWindows: 'hallwatch.inference.windows.live',
  /** Persons waiting and staffed windows per hall (LiveHallsRequest, answered with LiveHallState[]). */
  liveHalls: 'hallwatch.inference.halls.live',
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

/** Payload of InferenceRequests.liveHalls; halls undefined = every hall. */
export class LiveHallsRequest {
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** A hall's persons waiting (its waiting zones and counter zones) and staffed windows now. */
export interface LiveHallState {
  hallId: string;
  /** Persons counted; null when not known (no counting zones, or no fresh frame of them). */
  waiting: number | null;
  /** Since when someone has been waiting without a break; null while nobody is (or not known). */
  waitingSince: string | null;
  /** Capture time of the newest count; null when not known. */
  at: string | null;
  staffedWindows: number;
  minStaffedWindows: number;
  /** Windows whose counter zone holds someone, longest waiting first. */
  windowsWaiting: { windowId: string; persons: number; since: string }[];
}

/** What GET /api/incidents covers when neither `from` nor `to` is given: the incidents still going in the last 30 days. */
export const INCIDENT_DEFAULT_PERIOD_DAYS = 30;

/**
 * Payload of InferenceRequests.listIncidents, answered with an IncidentPage, newest first. Without
 * `from`, it starts INCIDENT_DEFAULT_PERIOD_DAYS before `to` (or now).
 */
export class IncidentQuery {
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
  @IsOptional() @IsId() windowId?: string;
  @IsOptional() @IsIn(INCIDENT_KINDS) kind?: IncidentKind;
  @IsOptional() @IsIn(INCIDENT_STATUSES) status?: IncidentStatus;
  /** All kinds but this one (the violation queue leaves camera-offline incidents apart). */
  @IsOptional() @IsIn(INCIDENT_KINDS) notKind?: IncidentKind;
  /** All statuses but this one (the console lists appeals apart, first). */
  @IsOptional() @IsIn(INCIDENT_STATUSES) notStatus?: IncidentStatus;
  /** Incidents still going at or after this time. */
  @IsOptional() @IsInstant() from?: string;
  /** Incidents that opened before this time. */
  @IsOptional() @IsInstant() @NotBefore('from') to?: string;
  /** Incidents per page (PAGE_LIMIT.default when missing); fewer when more would not fit in one NATS message. */
  @IsOptional()
  @IsInt({ message: `limit must be a whole number from 1 to ${PAGE_LIMIT.max} written in decimal digits` })
  @Min(1)
  @Max(PAGE_LIMIT.max)
  limit?: number;
  /** The previous page's nextCursor. */
  @IsOptional() @IsCursor() cursor?: string;
}

/** Reply to InferenceRequests.listIncidents; the first page (no cursor) says how many match the filters in all. */
export type IncidentPage = Page<IncidentView> & { total?: number };

/** Payload of InferenceRequests.getIncident. */
export class IncidentRef {
  @IsId() id: string;
}

/** Payload of InferenceRequests.incidentEvidence: frame n, looked at by `by` (kept in the audit trail). */
export class EvidenceRef extends IncidentRef {
  @IsInt() @Min(0) n: number;
  @IsText(NAME_MAX) by: string;
}

/** The roles of the site file's users, as the gateway passes the signed-in user's. */
export const USER_ROLES = ['admin', 'supervisor', 'evaluator', 'hall_manager'] as const;

/** Payload of InferenceRequests.reviewIncident: a decision by `by`, signed in as `role` (the separation of duties reads both). */
export class IncidentReviewRequest {
  @IsId() id: string;
  @IsIn(REVIEW_DECISIONS, { message: `status must be one of ${REVIEW_DECISIONS.join(', ')}` }) status: ReviewDecision;
  @IsReason() reason: string;
  @IsText(NAME_MAX) by: string;
  @IsIn(USER_ROLES) role: (typeof USER_ROLES)[number];
}

/** Payload of InferenceRequests.appealIncident: the staff member's appeal, filed by `by` (a hall manager or admin). */
export class IncidentAppealRequest {
  @IsId() id: string;
  @IsReason() reason: string;
  @IsText(NAME_MAX) by: string;
  @IsIn(USER_ROLES) role: (typeof USER_ROLES)[number];
}

/** Audit actions besides the review decisions. */
export const AuditActions = { appealed: 'appealed', evidenceViewed: 'evidence-viewed', closed: 'closed' } as const;

/**
 * One change to an incident: who, when (ISO 8601), what (confirmed | dismissed | appealed |
 * excused | unexcused | closed, by inference when the end was not observed; evidence-viewed in
 * trails from before views had their own collection), why, and
 * `correction` on an admin's change to a final incident. `prev` and `hash` chain the trail
 * (libs/domain audit-chain); missing on entries written before chaining.
 */
export interface AuditEntry {
  by: string;
  at: string;
  action: string;
  reason?: string;
  n?: number;
  correction?: boolean;
  prev?: string;
  hash?: string;
}

/** One look at an evidence frame (collection evidence_views): who, when, which frame. */
export interface EvidenceViewEntry {
  by: string;
  at: string;
  n: number;
}

export interface EvidenceInfo {
  /** Index for GET /api/incidents/:id/evidence/:n. */
  n: number;
  /** last-staffed | threshold | end */
  role: string;
  capturedAt: string;
  /** SHA-256 (hex) of the JPEG as stored when captured; checked each time it is served. Missing on frames from before hashing. */
  sha256?: string;
}

/** An incident event's message as told outside the services (the console's push, webhooks): the audit entry is for inference's read-back. */
export function withoutAudit<T extends IncidentMessage>(message: T): Omit<T, 'audit'> {
  const { audit: _audit, ...rest } = message;
  return rest;
}

/** An incident as the gateway shows it. */
export interface IncidentView extends Omit<IncidentMessage, 'audit'> {
  status: IncidentStatus;
  audit: AuditEntry[];
  evidence: EvidenceInfo[];
  /** Who looked at which evidence frame, when (not part of the chained trail). */
  views: EvidenceViewEntry[];
  /** An appeal was decided: only an admin's correction changes it now. */
  final: boolean;
}

/**
 * hallwatch.audit.heads: an incident's chain head after an entry is appended (entries = the
 * trail's length, hash = its last entry's), so a database rewritten afterwards shows against the
 * stream (`hallwatch audit verify`).
 */
export class AuditHeadMessage {
  @IsId() incidentId: string;
  @IsId() hallId: string;
  @IsInt() @Min(1) entries: number;
  @IsString() @MinLength(64) @MaxLength(64) hash: string;
  @IsInstant() at: string;
}

/** Reply to InferenceRequests.incidentEvidence. */
export interface EvidenceImage {
  contentType: 'image/jpeg';
  /** The JPEG, base64. */
  data: string;
}
