import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsCalendarDate, IsId, NotBefore, STATS_GROUP_BYS, StatsGroupBy } from '@hallwatch/contracts';

export const STATS_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

export class StatsQueryDto {
  @ApiProperty({ example: '2024-01-01', description: 'first local date of the period' })
  @IsCalendarDate()
  from: string;

  @ApiProperty({
    example: '2024-12-31',
    description: 'last local date of the period (included), not before from; reporting limits the length of a period',
  })
  @IsCalendarDate()
  @NotBefore('from')
  to: string;

  @ApiProperty({ enum: STATS_GROUP_BYS })
  @IsIn(STATS_GROUP_BYS)
  groupBy: StatsGroupBy;

  @ApiPropertyOptional({ enum: STATS_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(STATS_FORMATS)
  format?: StatsFormat;

  @ApiPropertyOptional({ description: 'only this hall (hall managers: one of theirs)' })
  @IsOptional()
  @IsId()
  hall?: string;
}
