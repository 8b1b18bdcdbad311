import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { ReportingRequests, StatsQuery, StatsTable } from '@hallwatch/contracts';
import { toCsv, toXlsx } from '@hallwatch/stats';
import { AuthUser } from '../auth/auth.types';
import { hallScope } from '../auth/hall-scope';
import { NATS_CLIENT } from '../nats/nats-client.module';
import { requestService } from '../nats/service-request';
import { StatsFormat, StatsQueryDto } from './stats.dto';

export type StatsReport = 'attendance' | 'throughput' | 'evaluation';

export type StatsAnswer = { format: 'json'; rows: StatsTable['rows'] } | { format: 'csv' | 'xlsx'; body: Buffer; filename: string };

@Injectable()
export class StatsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /** A table from reporting, limited to the caller's halls, in the format asked for. */
  async report(user: AuthUser, report: StatsReport, q: StatsQueryDto): Promise<StatsAnswer> {
    const query: StatsQuery = { from: q.from, to: q.to, groupBy: q.groupBy, halls: hallScope(user, q.hall) };
    const table = await requestService<StatsTable>(this.nats, ReportingRequests[report], query, 60000);
    return render(table, report, q.format ?? 'json');
  }
}

async function render(table: StatsTable, report: StatsReport, format: StatsFormat): Promise<StatsAnswer> {
  if (format === 'json') return { format, rows: table.rows };
  const filename = `${report}-${table.groupBy}-${table.from}-${table.to}.${format}`;
  const body = format === 'csv' ? Buffer.from(toCsv(table.columns, table.rows)) : await toXlsx(table.columns, table.rows, report);
  return { format, body, filename };
}
