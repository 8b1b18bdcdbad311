import type { Type } from '@nestjs/common';
import { ApiPropertyOptional, ApiProperty, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  ATTENDANCE_COLUMNS,
  EVALUATION_COLUMNS,
  GROUP_COLUMNS,
  IsId,
  NotBefore,
  STATS_GROUP_BYS,
  StatsGroupBy,
  StatsQuery,
  THROUGHPUT_COLUMNS,
  WaitingHourRow,
  WaitingQuery,
  WEIGHT_COLUMNS,
  type StatsColumn,
} from '@hallwatch/contracts';

export const STATS_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

export class StatsQueryDto extends PickType(StatsQuery, ['from', 'to', 'groupBy']) {
  @ApiProperty({ example: '2024-01-01', description: 'first local date of the period' })
  from: string;

  @ApiProperty({
    example: '2024-12-31',
    description: 'last local date of the period (included), not before from; reporting limits the length of a period',
  })
  @NotBefore('from')
  to: string;

  @ApiProperty({ enum: STATS_GROUP_BYS })
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

/**
 * The schema of a report's rows, from the console's columns of the report (libs/contracts
 * stats-columns): the group's key under the name of the grouping (e.g. `window`; `unassigned` for
 * what belongs to no staff or window), then each figure (ids and names as strings, shares as
 * fractions 0-1); null when there is nothing to compute it from (no judged time, no cases, no
 * department all the group's windows share…). The coverage warning is derived, not in the rows.
 */
function statsRow(name: string, columns: readonly StatsColumn[]): Type {
  const Row = { [name]: class {} }[name];
  for (const c of Object.values(GROUP_COLUMNS)) {
    ApiPropertyOptional({ type: String, description: `${c.zh} ${c.en}: the group, when grouped by ${c.key}` })(Row.prototype, c.key);
  }
  for (const c of columns.filter((c) => c.kind !== 'warning')) {
    const text = c.kind === 'text' || c.kind === 'hall';
    const unit = c.kind === 'percent' ? ' (a fraction, 0-1)' : '';
    ApiProperty({ type: text ? String : Number, nullable: true, description: `${c.zh} ${c.en}${unit}` })(Row.prototype, c.key);
  }
  return Row;
}

export const AttendanceRowDto = statsRow('AttendanceRowDto', ATTENDANCE_COLUMNS);
export const ThroughputRowDto = statsRow('ThroughputRowDto', THROUGHPUT_COLUMNS);
/** The weights are in every row (a script can recompute each score) though the console and exports show them once. */
export const EvaluationRowDto = statsRow('EvaluationRowDto', [
  ...EVALUATION_COLUMNS,
  ...WEIGHT_COLUMNS.map((c) => ({ ...c, en: `${c.en} (site key evaluation.weights)` })),
]);

/** GET /api/stats/waiting: the local dates of the period and, optionally, one hall. */
export class WaitingQueryDto extends PickType(WaitingQuery, ['from', 'to']) {
  @ApiProperty({ example: '2024-03-04', description: 'first local date of the period' })
  from: string;

  @ApiProperty({ example: '2024-03-04', description: 'last local date of the period (included), not before from; at most 92 days' })
  @NotBefore('from')
  to: string;

  @ApiPropertyOptional({ description: 'only this hall (hall managers: one of theirs)' })
  @IsOptional()
  @IsId()
  hall?: string;
}

/** One hour of the waitingCount series: a hall's persons waiting over the minutes its count was known. */
export class WaitingHourDto implements WaitingHourRow {
  @ApiProperty() hallId: string;
  @ApiProperty({ description: "the local hour's first instant (ISO 8601)" }) hour: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'persons waiting (waiting and counter zones), time-weighted mean over knownMinutes; null when never known in the hour',
  })
  meanWaiting: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'most persons waiting at once in the known time; null when never known' })
  peakWaiting: number | null;
  @ApiProperty({
    description: "minutes of the hour the hall's count was known (every counting zone judged); unknown time counts for nothing",
  })
  knownMinutes: number;
}
