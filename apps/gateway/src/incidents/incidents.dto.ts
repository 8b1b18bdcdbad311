import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, MaxLength, Min, MinLength } from 'class-validator';
import {
  ID_PATTERN as ID,
  INCIDENT_ID_PATTERN as INCIDENT_ID,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  REVIEW_DECISIONS,
  type AuditEntry,
  type EvidenceInfo,
  type IncidentKind,
  type IncidentStatus,
  type IncidentView,
  type ReviewDecision,
} from '@hallwatch/contracts';


export class IncidentListQueryDto {
  @ApiPropertyOptional({ description: 'incidents still going at or after this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({}, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'incidents that opened before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({}, { message: 'to must be an ISO 8601 time' })
  to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'hall must be a hall id' })
  hall?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ID, { message: 'window must be a window id' })
  window?: string;

  @ApiPropertyOptional({ enum: INCIDENT_KINDS })
  @IsOptional()
  @IsIn(INCIDENT_KINDS)
  kind?: IncidentKind;

  @ApiPropertyOptional({ enum: INCIDENT_STATUSES })
  @IsOptional()
  @IsIn(INCIDENT_STATUSES)
  status?: IncidentStatus;
}

export class IncidentParamsDto {
  @ApiProperty()
  @Matches(INCIDENT_ID, { message: 'id must be an incident id' })
  id: string;
}

export class EvidenceParamsDto extends IncidentParamsDto {
  @ApiProperty({ description: 'index of the evidence frame, from 0' })
  @Type(() => Number)
  @IsInt({ message: 'n must be a whole number' })
  @Min(0)
  n: number;
}

export class ReviewIncidentDto {
  @ApiProperty({ enum: REVIEW_DECISIONS })
  @IsIn(REVIEW_DECISIONS, { message: `status must be one of ${REVIEW_DECISIONS.join(', ')}` })
  status: ReviewDecision;

  @ApiProperty({ description: 'why the incident is confirmed or dismissed' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
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
  @ApiProperty({ enum: INCIDENT_STATUSES }) status: IncidentStatus;
  @ApiProperty({ description: 'who changed the incident, when, and why' }) audit: AuditEntry[];
  @ApiProperty({ description: 'JPEG frames: GET /api/incidents/:id/evidence/:n' }) evidence: EvidenceInfo[];
}
