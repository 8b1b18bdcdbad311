import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import {
  CARD_COLORS,
  CARD_DEFAULT_PERIOD_DAYS,
  CASE_STATUSES,
  CardQuery,
  IsId,
  type CardColor,
  type CardMessage,
  type CaseStatus,
} from '@hallwatch/contracts';

export class CardListQueryDto extends PickType(CardQuery, ['from', 'to', 'color']) {
  @ApiPropertyOptional({
    description: `cards whose case crossed its threshold at or after this time (ISO 8601 with offset); without it, ${CARD_DEFAULT_PERIOD_DAYS} days before to (or now)`,
    example: '2026-11-01T00:00:00+08:00',
  })
  from?: string;

  @ApiPropertyOptional({
    description: 'and before this time (ISO 8601 with offset), not before from; default now',
    example: '2026-12-01T00:00:00+08:00',
  })
  to?: string;

  @ApiPropertyOptional({ description: 'only this hall (hall managers: one of theirs)' })
  @IsOptional()
  @IsId()
  hall?: string;

  @ApiPropertyOptional({ enum: CARD_COLORS })
  color?: CardColor;
}

export class CardDto implements CardMessage {
  @ApiProperty() caseId: string;
  @ApiProperty({
    enum: CARD_COLORS,
    description: 'yellow: still open supervision.yellowBefore before its deadline; red: still open past it',
  })
  color: CardColor;
  @ApiProperty({ description: 'when the case crossed the threshold: its yellow point, or its deadline (moved by suspensions)' }) at: string;
  @ApiProperty({ description: 'when reporting issued the card' }) issuedAt: string;
  @ApiProperty({ description: 'the deadline as suspensions had moved it when the card was issued' }) deadline: string;
  @ApiProperty() windowId: string;
  @ApiProperty() hallId: string;
  @ApiProperty() department: string;
  @ApiPropertyOptional() staffId?: string;
  @ApiProperty() serviceItem: string;
  @ApiProperty({ enum: CASE_STATUSES, description: 'the case status when the card was issued' }) status: CaseStatus;
  @ApiPropertyOptional({ description: 'the case stage when the card was issued' }) stage?: string;
}
