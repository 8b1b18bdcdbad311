import type { Type } from '@nestjs/common';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsCalendarDate, IsId, NotBefore, STATS_GROUP_BYS, StatsGroupBy } from '@hallwatch/contracts';
import { ATTENDANCE_COLUMNS, EVALUATION_COLUMNS, GROUP_COLUMNS, THROUGHPUT_COLUMNS, type Column } from '@hallwatch/stats';

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

/** The evaluation's columns that name a group (the department or hall ranked in); every other column is a figure. */
const TEXT_COLUMNS = new Set(['rankDepartment', 'rankHall']);

/**
 * The schema of a report's rows, from the columns of its CSV: the group's key under the name of
 * the grouping (e.g. `window`), then each column; null when there is nothing to compute it from
 * (no judged time, no cases, no department all the group's windows share…).
 */
function statsRow(name: string, columns: readonly Column[]): Type {
  const Row = { [name]: class {} }[name];
  for (const c of Object.values(GROUP_COLUMNS)) {
    ApiPropertyOptional({ type: String, description: `${c.header}: the group, when grouped by ${c.key}` })(Row.prototype, c.key);
  }
  for (const c of columns) {
    ApiProperty({ type: TEXT_COLUMNS.has(c.key) ? String : Number, nullable: true, description: c.header })(Row.prototype, c.key);
  }
  return Row;
}

export const AttendanceRowDto = statsRow('AttendanceRowDto', ATTENDANCE_COLUMNS);
export const ThroughputRowDto = statsRow('ThroughputRowDto', THROUGHPUT_COLUMNS);
export const EvaluationRowDto = statsRow('EvaluationRowDto', EVALUATION_COLUMNS);
