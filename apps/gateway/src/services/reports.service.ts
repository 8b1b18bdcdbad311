import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { NoticeQuery, ReportingRequests } from '@hallwatch/contracts';
import { InjectContext, printPdf, ServiceContext } from '@hallwatch/runtime';
import { MonthlyNotice, noticeFile } from '@hallwatch/stats';
import { AuthUser } from '../dtos/auth.types';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';
import { NoticeQueryDto } from '../dtos/reports.dto';

@Injectable()
export class ReportsService {
  constructor(
    @Inject(NATS_CLIENT) private readonly nats: ClientProxy,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  /** The monthly notice from reporting, issued by the signed-in user, as the file asked for. */
  async notice(user: AuthUser, q: NoticeQueryDto) {
    const query: NoticeQuery = { month: q.month, issuer: user.username };
    const notice = await requestService<MonthlyNotice>(this.nats, ReportingRequests.notice, query, 60000);
    return noticeFile(notice, q.format, (html) => printPdf(html, this.ctx.env.chromiumPath));
  }
}
