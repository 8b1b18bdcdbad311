import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  IsId,
  INCIDENT_DEFAULT_PERIOD_DAYS,
  IncidentAppealRequest,
  IncidentQuery,
  IncidentRef,
  IncidentReviewRequest,
  PAGE_LIMIT,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  QUEUE_EVENTS,
  REVIEW_DECISIONS,
  type AuditEntry,
  type EvidenceInfo,
  type EvidenceViewEntry,
  type IncidentKind,
  type IncidentPage,
  type IncidentStatus,
  type IncidentView,
  type QueueEventMessage,
  type ReviewDecision,
} from '@hallwatch/contracts';

export class IncidentListQueryDto extends PickType(IncidentQuery, [
  'from',
  'to',
  'kind',
  'status',
  'notKind',
  'notStatus',
  'limit',
  'cursor',
]) {
  @ApiPropertyOptional({
    description: `incidents still going at or after this time (ISO 8601 with offset); without it, ${INCIDENT_DEFAULT_PERIOD_DAYS} days before to (or now)`,
    example: '2026-11-24T08:00:00+08:00',
  })
  from?: string;

  @ApiPropertyOptional({
    description: 'incidents that opened before this time (ISO 8601 with offset), not before from',
    example: '2026-11-25T08:00:00+08:00',
  })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsId()
  hall?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsId()
  window?: string;

  @ApiPropertyOptional({ enum: INCIDENT_KINDS })
  kind?: IncidentKind;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  status?: IncidentStatus;

  @ApiPropertyOptional({ enum: INCIDENT_KINDS, description: 'every kind but this one (the violation queue without camera-offline)' })
  notKind?: IncidentKind;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES, description: 'every status but this one (the queue without the appeals it shows first)' })
  notStatus?: IncidentStatus;

  @ApiPropertyOptional({
    description: `incidents per page, newest first (fewer when more would not fit in one message)`,
    type: 'integer',
    minimum: 1,
    maximum: PAGE_LIMIT.max,
    default: PAGE_LIMIT.default,
  })
  // Decimal digits only, like evidence numbers.
  @Transform(({ value }) => (typeof value === 'string' && /^[1-9][0-9]{0,3}$/.test(value) ? Number(value) : value))
  limit?: number;

  @ApiPropertyOptional({ description: "the previous page's nextCursor (same filters)" })
  cursor?: string;
}

export class IncidentParamsDto extends PickType(IncidentRef, ['id']) {
  @ApiProperty()
  id: string;
}

/** n as the incident's evidence list gives it: 3 × camera + role (0 last-staffed, 1 threshold, 2 end). */
const EVIDENCE_N = {
  description: "n of an entry in the incident's evidence list: 3 × camera index + role (0 last-staffed, 1 threshold, 2 end), from 0",
  minimum: 0,
  maximum: 99999,
};

export class EvidenceParamsDto extends IncidentParamsDto {
  @ApiProperty({ ...EVIDENCE_N, type: 'integer' })
  // Decimal digits only: "0x1", "01", "1e0" or " 1" are not evidence numbers.
  @Transform(({ value }) => (typeof value === 'string' && /^(0|[1-9][0-9]{0,4})$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'n must be a whole number written in decimal digits, without leading zeros' })
  @Min(0)
  @Max(99999)
  n: number;
}

export class ReviewIncidentDto extends PickType(IncidentReviewRequest, ['status', 'reason']) {
  @ApiProperty({ enum: REVIEW_DECISIONS })
  status: ReviewDecision;

  @ApiProperty({ description: 'why the incident is confirmed or dismissed' })
  reason: string;
}

export class AppealIncidentDto extends PickType(IncidentAppealRequest, ['reason']) {
  @ApiProperty({ description: "the staff member's grounds for the appeal, as the hall manager files them" })
  reason: string;
}

export class AuditEntryDto implements AuditEntry {
  @ApiProperty() by: string;
  @ApiProperty() at: string;
  @ApiProperty({ description: 'confirmed, dismissed, appealed or excused (evidence-viewed in trails from before views were kept apart)' })
  action: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ ...EVIDENCE_N, type: 'integer', description: 'evidence-viewed: the frame looked at' }) n?: number;
  @ApiPropertyOptional({ description: "an admin's change to a final incident" }) correction?: boolean;
  @ApiPropertyOptional({
    description: "the hash it follows: the previous entry's, or the incident's genesis (missing on entries from before chaining)",
  })
  prev?: string;
  @ApiPropertyOptional({ description: 'SHA-256 (hex) of this entry and prev (`hallwatch audit verify` checks the chain)' }) hash?: string;
}

export class EvidenceInfoDto implements EvidenceInfo {
  @ApiProperty({ ...EVIDENCE_N, type: 'integer' }) n: number;
  @ApiProperty({ enum: ['last-staffed', 'threshold', 'end'] }) role: string;
  @ApiProperty() capturedAt: string;
  @ApiPropertyOptional({ description: 'SHA-256 (hex) of the JPEG recorded when it was captured; checked each time it is served' })
  sha256?: string;
}

export class EvidenceViewDto implements EvidenceViewEntry {
  @ApiProperty() by: string;
  @ApiProperty() at: string;
  @ApiProperty({ ...EVIDENCE_N, type: 'integer' }) n: number;
}

export class QueueEventDto implements QueueEventMessage {
  @ApiProperty() windowId: string;
  @ApiProperty({ description: 'the staff id as in rosters' }) staffId: string;
  @ApiProperty({ enum: QUEUE_EVENTS }) event: QueueEventMessage['event'];
  @ApiProperty() at: string;
}

export class IncidentDto implements IncidentView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: INCIDENT_KINDS }) kind: IncidentKind;
  @ApiProperty() hallId: string;
  @ApiPropertyOptional() windowId?: string;
  @ApiPropertyOptional({ type: [String] }) windowIds?: string[];
  @ApiPropertyOptional() cameraId?: string;
  @ApiPropertyOptional() staff?: string;
  @ApiProperty() openedAt: string;
  @ApiPropertyOptional() closedAt?: string;
  @ApiPropertyOptional() durationMs?: number;
  @ApiPropertyOptional({ description: 'camera-offline: why; `frozen` when the picture stopped changing' }) reason?: string;
  @ApiPropertyOptional({ description: 'the approved leave that excuses it (status excused until a review)' }) leaveId?: string;
  @ApiPropertyOptional({
    description: 'queue-open-seat-empty: the queue event (login or resume) that opened the window for calling',
    type: () => QueueEventDto,
  })
  queueEvent?: QueueEventMessage;
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
  @ApiProperty({
    description:
      'who decided, appealed or excused, when and why, hash-chained (prev, hash; `hallwatch audit verify` checks it); correction: an admin changed a final incident',
    type: () => [AuditEntryDto],
  })
  audit: AuditEntry[];
  @ApiProperty({ description: 'JPEG frames: GET /api/incidents/:id/evidence/:n', type: () => [EvidenceInfoDto] }) evidence: EvidenceInfo[];
  @ApiProperty({ description: 'who looked at which evidence frame, when', type: () => [EvidenceViewDto] }) views: EvidenceViewEntry[];
  @ApiProperty({ description: 'an appeal was decided: the incident changes only by an admin correction' }) final: boolean;
}

export class IncidentPageDto implements IncidentPage {
  @ApiProperty({ type: () => [IncidentDto] }) items: IncidentDto[];
  @ApiPropertyOptional({ description: 'set when there are more: send it as cursor for the next page' }) nextCursor?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'on the first page (no cursor): how many incidents match the filters in all' })
  total?: number;
}
