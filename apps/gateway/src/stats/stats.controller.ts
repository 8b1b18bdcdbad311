import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth.types';
import { StatsQueryDto } from './stats.dto';
import { StatsReport, StatsService } from './stats.service';

/** The part of the HTTP response the controller touches. */
type Response = { setHeader(name: string, value: string): unknown };

const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Attendance, throughput and evaluation tables; hall managers see only their halls. */
@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
@Roles('admin', 'supervisor', 'evaluator', 'hall_manager')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('attendance')
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  attendance(@CurrentUser() user: AuthUser, @Query() q: StatsQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer('attendance', user, q, res);
  }

  @Get('throughput')
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  throughput(@CurrentUser() user: AuthUser, @Query() q: StatsQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer('throughput', user, q, res);
  }

  /** The annual efficiency table (效能考核): inputs, weights, score and ranks per group. */
  @Get('evaluation')
  @ApiProduces('application/json', CONTENT_TYPES.csv, CONTENT_TYPES.xlsx)
  evaluation(@CurrentUser() user: AuthUser, @Query() q: StatsQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.answer('evaluation', user, q, res);
  }

  private async answer(report: StatsReport, user: AuthUser, q: StatsQueryDto, res: Response) {
    const a = await this.stats.report(user, report, q);
    if (a.format === 'json') return a.rows;
    res.setHeader('Content-Disposition', `attachment; filename="${a.filename}"`);
    return new StreamableFile(a.body, { type: CONTENT_TYPES[a.format] });
  }
}
