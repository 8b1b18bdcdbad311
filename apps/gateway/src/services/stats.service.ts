import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { ReportingRequests, StatsQuery, StatsReport, StatsTable, statsNames, WaitingQuery, WaitingSeries } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { statsFileName, toCsv, toXlsx } from '@hallwatch/stats';
import { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';
import { StatsQueryDto, WaitingQueryDto } from '../dtos/stats.dto';

export type StatsAnswer =
  { format: 'json'; rows: StatsTable['rows'] } | { format: 'csv' | 'xlsx'; body: Buffer; filename: { name: string; ascii: string } };

@Injectable()
export class StatsService {
  constructor(
    @Inject(NATS_CLIENT) private readonly nats: ClientProxy,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  /** A table from reporting, limited to the caller's halls, in the format asked for. */
  async report(user: AuthUser, report: StatsReport, q: StatsQueryDto): Promise<StatsAnswer> {
    const query: StatsQuery = { from: q.from, to: q.to, groupBy: q.groupBy, halls: hallScope(user, q.hall) };
    const table = await requestService<StatsTable>(this.nats, ReportingRequests[report], query, 60000);
    const format = q.format ?? 'json';
    if (format === 'json') return { format, rows: table.rows };
    const site = this.ctx.site;
    const names = statsNames(site);
    const body =
      format === 'csv'
        ? Buffer.from(toCsv(table, names))
        : await toXlsx({ report, table, names, timeZone: site.timezone, generatedAt: Date.now() });
    return { format, body, filename: statsFileName(report, table, format) };
  }

  /** The waitingCount series from reporting (per hall and local hour), limited to the caller's halls. */
  async waiting(user: AuthUser, q: WaitingQueryDto): Promise<WaitingSeries['rows']> {
    const query: WaitingQuery = { from: q.from, to: q.to, halls: hallScope(user, q.hall) };
    return (await requestService<WaitingSeries>(this.nats, ReportingRequests.waiting, query, 60000)).rows;
  }
}
