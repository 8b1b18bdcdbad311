import { applyDecorators, Controller, Get, Query, Res, StreamableFile, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import type { StatsReport } from '@hallwatch/contracts';
import { attachment } from '../utils/content-disposition';
import { AttendanceRowDto, EvaluationRowDto, StatsQueryDto, ThroughputRowDto, WaitingHourDto, WaitingQueryDto } from '../dtos/stats.dto';
import { StatsService } from '../services/stats.service';

/** The part of the HTTP response the controller touches. */
type Response = { setHeader(name: string, value: string): unknown };

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The answer of a report: its rows as JSON, or the same table as a download (format=csv or xlsx). */
function StatsAnswer(row: Type) {
  return applyDecorators(
    ApiExtraModels(row),
    ApiOkResponse({
      description:
        'one row per group, sorted by its key; with format=csv or xlsx the table as the console shows it (its labels and columns, names for ids, shares as %), named in Chinese (filename*) and in ASCII (filename)',
      content: {
        'application/json': { schema: { type: 'array', items: { $ref: getSchemaPath(row) } } },
        [CONTENT_TYPES.csv]: { schema: { type: 'string' } },
        [CONTENT_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
      },
    }),
  );
}

/** Attendance, throughput and evaluation tables and the waitingCount series; hall managers see only their halls. */
@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
@Roles('admin', 'supervisor', 'evaluator', 'hall_manager')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('attendance')
  @StatsAnswer(AttendanceRowDto)
  attendance(@CurrentUser() user: AuthUser, @Query() q: StatsQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer('attendance', user, q, res);
  }

  @Get('throughput')
  @StatsAnswer(ThroughputRowDto)
  throughput(@CurrentUser() user: AuthUser, @Query() q: StatsQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer('throughput', user, q, res);
  }

  /** The annual efficiency table (效能考核): inputs, weights, score and ranks per group. */
  @Get('evaluation')
  @StatsAnswer(EvaluationRowDto)
  evaluation(@CurrentUser() user: AuthUser, @Query() q: StatsQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer('evaluation', user, q, res);
  }

  /** The waitingCount series: each hall's persons waiting per local hour (mean and peak over the known minutes). */
  @Get('waiting')
  @ApiOkResponse({ type: [WaitingHourDto], description: 'one row per hall and local hour of the period, by hall then hour' })
  waiting(@CurrentUser() user: AuthUser, @Query() q: WaitingQueryDto) {
    return this.stats.waiting(user, q);
  }

  private async answer(report: StatsReport, user: AuthUser, q: StatsQueryDto, res: Response) {
    const a = await this.stats.report(user, report, q);
    if (a.format === 'json') return a.rows;
    res.setHeader('Content-Disposition', attachment(a.filename.name, a.filename.ascii));
    return new StreamableFile(a.body, { type: CONTENT_TYPES[a.format] });
  }
}
