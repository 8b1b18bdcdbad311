import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { STATS_GROUP_BYS, StatsGroupBy } from '@hallwatch/contracts';

export const STATS_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

export class StatsQueryDto {
  @ApiProperty({ example: '2024-01-01', description: 'first local date of the period' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date written YYYY-MM-DD' })
  from: string;

  @ApiProperty({ example: '2024-12-31', description: 'last local date of the period (included)' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date written YYYY-MM-DD' })
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
  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  hall?: string;
}
