import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import {
  IsId,
  IsInstant,
  RECTIFICATION_ACTIONS,
  RECTIFICATION_SOURCES,
  RECTIFICATION_STATES,
  RECTIFICATION_TIERS,
  type CallBack,
  type RectificationAction,
  type RectificationRecord,
  type RectificationSource,
  type RectificationState,
  type RectificationStep,
  type RectificationTier,
  IsText,
  IsReason,
  NAME_MAX,
} from '@hallwatch/contracts';
import { MAX_DUE_WORKING_DAYS } from '@hallwatch/domain';

export class RectificationSourceDto {
  @ApiProperty({ enum: RECTIFICATION_SOURCES, description: 'a confirmed incident, a verified complaint, a card or a case' })
  @IsIn(RECTIFICATION_SOURCES)
  kind: RectificationSource;

  @ApiProperty({ description: "its id (a card's: <caseId>:yellow or <caseId>:red)" })
  @IsId()
  id: string;
}

export class RectificationTargetDto {
  @ApiPropertyOptional({ description: 'a window id; exactly one of window, department, hall' })
  @IsOptional()
  @IsId()
  window?: string;

  @ApiPropertyOptional({ description: 'a department as the site file names it' })
  @IsOptional()
  @IsText(NAME_MAX)
  department?: string;

  @ApiPropertyOptional({ description: 'a hall id' })
  @IsOptional()
  @IsId()
  hall?: string;
}

export class IssueRectificationDto {
  @ApiProperty({ type: RectificationSourceDto })
  @ValidateNested()
  @Type(() => RectificationSourceDto)
  source: RectificationSourceDto;

  @ApiProperty({ type: RectificationTargetDto })
  @ValidateNested()
  @Type(() => RectificationTargetDto)
  to: RectificationTargetDto;

  @ApiProperty({ description: `working days on the target's calendar until it is due (1 to ${MAX_DUE_WORKING_DAYS})`, example: 5 })
  @IsInt()
  @Min(1)
  @Max(MAX_DUE_WORKING_DAYS)
  dueWorkingDays: number;

  @ApiProperty({ description: 'what is to be put right' })
  @IsText(4000)
  instructions: string;
}

export class CallBackInputDto {
  @ApiProperty({ description: 'when the rater was called (ISO 8601 with offset)' })
  @IsInstant()
  at: string;

  @ApiProperty({ description: 'whether the rater was reached' })
  @IsBoolean()
  reached: boolean;

  @ApiProperty({ description: 'what came of it' })
  @IsReason()
  outcome: string;
}

export class RespondRectificationDto {
  @ApiProperty({ description: 'what was done' })
  @IsText(4000)
  text: string;

  @ApiPropertyOptional({ type: CallBackInputDto, description: 'required on the order a bad rating opened: the call-back to the rater' })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallBackInputDto)
  callBack?: CallBackInputDto;
}

export class VerifyRectificationDto {
  @ApiProperty({ description: 'true: verified; false: sent back to the hall' })
  @IsBoolean()
  accepted: boolean;

  @ApiProperty({ description: 'why (kept in the history)' })
  @IsReason()
  reason: string;
}

export class RectificationListQueryDto {
  @ApiPropertyOptional({ enum: RECTIFICATION_STATES })
  @IsOptional()
  @IsIn(RECTIFICATION_STATES)
  state?: RectificationState;

  @ApiPropertyOptional({ enum: RECTIFICATION_SOURCES, description: 'the kind of source' })
  @IsOptional()
  @IsIn(RECTIFICATION_SOURCES)
  source?: RectificationSource;
}

export class CallBackDto implements CallBack {
  @ApiProperty() at: string;
  @ApiProperty({ description: 'who recorded the call' }) by: string;
  @ApiProperty() reached: boolean;
  @ApiProperty() outcome: string;
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
