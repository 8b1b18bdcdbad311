import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import {
  CallBackInput,
  PHOTO_MAX_BYTES,
  RECTIFICATION_ACTIONS,
  RECTIFICATION_SOURCES,
  RECTIFICATION_STATES,
  RECTIFICATION_TIERS,
  RectificationIssueRequest,
  RectificationPhotoRef,
  RectificationQuery,
  RectificationRespondRequest,
  RectificationSourceRef,
  RectificationTarget,
  RectificationVerifyRequest,
  type CallBack,
  type PhotoType,
  type RectificationPhoto,
  type RectificationAction,
  type RectificationRecord,
  type RectificationSource,
  type RectificationState,
  type RectificationStep,
  type RectificationTier,
} from '@hallwatch/contracts';
import { MAX_DUE_WORKING_DAYS } from '@hallwatch/domain';

export class RectificationSourceDto extends PickType(RectificationSourceRef, ['kind', 'id']) {
  @ApiProperty({ enum: RECTIFICATION_SOURCES, description: 'a confirmed incident, a verified complaint, a card or a case' })
  kind: RectificationSource;

  @ApiProperty({ description: "its id (a card's: <caseId>:yellow or <caseId>:red)" })
  id: string;
}

export class RectificationTargetDto extends PickType(RectificationTarget, ['window', 'department', 'hall']) {
  @ApiPropertyOptional({ description: 'a window id; exactly one of window, department, hall' })
  window?: string;

  @ApiPropertyOptional({ description: 'a department as the site file names it' })
  department?: string;

  @ApiPropertyOptional({ description: 'a hall id' })
  hall?: string;
}

/** The body of POST /api/rectifications: the request's fields but who issues it (the signed-in user). */
export class IssueRectificationDto extends PickType(RectificationIssueRequest, ['dueWorkingDays', 'instructions']) {
  // Nested bodies are checked as HTTP input (unknown fields refused, errors named source.kind …).
  @ApiProperty({ type: RectificationSourceDto })
  @ValidateNested()
  @Type(() => RectificationSourceDto)
  source: RectificationSourceDto;

  @ApiProperty({ type: RectificationTargetDto })
  @ValidateNested()
  @Type(() => RectificationTargetDto)
  to: RectificationTargetDto;

  @ApiProperty({ description: `working days on the target's calendar until it is due (1 to ${MAX_DUE_WORKING_DAYS})`, example: 5 })
  dueWorkingDays: number;

  @ApiProperty({ description: 'what is to be put right' })
  instructions: string;
}

export class CallBackInputDto extends PickType(CallBackInput, ['at', 'reached', 'outcome']) {
  @ApiProperty({ description: 'when the rater was called (ISO 8601 with offset)' })
  at: string;

  @ApiProperty({ description: 'whether the rater was reached' })
  reached: boolean;

  @ApiProperty({ description: 'what came of it' })
  outcome: string;
}

export class RespondRectificationDto extends PickType(RectificationRespondRequest, ['text', 'photo']) {
  @ApiProperty({ description: 'what was done' })
  text: string;

  @ApiPropertyOptional({ type: CallBackInputDto, description: 'required on the order a bad rating opened: the call-back to the rater' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallBackInputDto)
  callBack?: CallBackInputDto;

  @ApiPropertyOptional({
    format: 'byte',
    description: `one photo of what was done: a JPEG or PNG (by its content) of at most ${PHOTO_MAX_BYTES} bytes, base64`,
  })
  photo?: string;
}

export class RectificationPhotoParamsDto extends PickType(RectificationPhotoRef, ['id']) {
  @ApiProperty()
  id: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: "the photo's number in the order's history (its step's photo.n)" })
  // Decimal digits only, as evidence frame numbers.
  @Transform(({ value }) => (typeof value === 'string' && /^[1-9][0-9]{0,4}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'n must be a whole number from 1 written in decimal digits, without leading zeros' })
  @Min(1)
  @Max(99999)
  n: number;
}

export class VerifyRectificationDto extends PickType(RectificationVerifyRequest, ['accepted', 'reason']) {
  @ApiProperty({ description: 'true: verified; false: sent back to the hall' })
  accepted: boolean;

  @ApiProperty({ description: 'why (kept in the history)' })
  reason: string;
}

export class RectificationListQueryDto extends PickType(RectificationQuery, ['state', 'source']) {
  @ApiPropertyOptional({ enum: RECTIFICATION_STATES })
  state?: RectificationState;

  @ApiPropertyOptional({ enum: RECTIFICATION_SOURCES, description: 'the kind of source' })
  source?: RectificationSource;
}

export class CallBackDto implements CallBack {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'who recorded the call' }) by: string;
  @ApiProperty() reached: boolean;
  @ApiProperty() outcome: string;
}

export class RectificationPhotoDto implements RectificationPhoto {
  @ApiProperty({ description: 'GET /api/rectifications/:id/photos/:n serves it' }) n: number;
  @ApiProperty({ enum: ['image/jpeg', 'image/png'], description: 'by its content' }) contentType: PhotoType;
  @ApiProperty({ description: 'SHA-256 (hex) of the photo as stored' }) sha256: string;
  @ApiProperty() bytes: number;
}

export class RectificationStepDto implements RectificationStep {
  @ApiProperty({ enum: RECTIFICATION_ACTIONS }) action: RectificationAction;
  @ApiProperty({ description: 'who: a username, or reporting (the periodic check, bad ratings)' }) by: string;
  @ApiProperty() at: string;
  @ApiProperty({ enum: RECTIFICATION_STATES, description: 'the state the step left the order in' }) state: RectificationState;
  @ApiProperty({ enum: RECTIFICATION_TIERS }) tier: RectificationTier;
  @ApiPropertyOptional({ description: "the hall's response" }) text?: string;
  @ApiPropertyOptional({ description: "the bureau's reason, or the instructions when issued" }) reason?: string;
  @ApiPropertyOptional({ type: CallBackDto }) callBack?: CallBackDto;
  @ApiPropertyOptional({ type: RectificationPhotoDto, description: "the photo attached to the hall's response" })
  photo?: RectificationPhotoDto;
}

export class RectificationDto implements RectificationRecord {
  @ApiProperty() id: string;
  @ApiProperty({ type: RectificationSourceDto }) source: RectificationSourceDto;
  @ApiProperty({ type: RectificationTargetDto }) to: RectificationTargetDto;
  @ApiProperty({ type: [String], description: 'the halls the order is for' }) halls: string[];
  @ApiProperty() dueWorkingDays: number;
  @ApiProperty() instructions: string;
  @ApiProperty({ enum: RECTIFICATION_STATES }) state: RectificationState;
  @ApiProperty({ enum: RECTIFICATION_TIERS, description: 'blue until due, yellow past due, red past redAt' }) tier: RectificationTier;
  @ApiProperty() issuedBy: string;
  @ApiProperty() issuedAt: string;
  @ApiProperty({ description: "dueWorkingDays on from issuedAt on the target's calendar" }) dueAt: string;
  @ApiProperty({ description: 'dueWorkingDays on again from dueAt: red when still unverified' }) redAt: string;
  @ApiPropertyOptional() verifiedAt?: string;
  @ApiPropertyOptional({ type: CallBackDto }) callBack?: CallBackDto;
  @ApiProperty() version: number;
  @ApiProperty({ type: [RectificationStepDto] }) history: RectificationStepDto[];
}
