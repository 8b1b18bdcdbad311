import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { CaseImportResult, CaseRowResult, ReportingRequests } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { answerRows, hallsOfWindows, toReporting, windowRefusal, writerOf } from '../utils/row-batch';

@Injectable()
export class CasesService {
  private readonly hallOf: ReadonlyMap<string, string>;

  constructor(
    @Inject(NATS_CLIENT) private readonly nats: ClientProxy,
    @InjectContext() ctx: ServiceContext,
  ) {
    this.hallOf = hallsOfWindows(ctx.site);
  }

  /**
   * Forwards the rows the caller may write; rows for windows the site file does not know, or
   * outside a hall manager's halls, are rejected here. Reporting checks the halls again against
   * the cases it has stored.
   */
  import(user: AuthUser, rows: Record<string, unknown>[]): Promise<CaseImportResult> {
    const halls = hallScope(user);
    return answerRows<Record<string, unknown>, CaseRowResult>(
      rows,
      (data) => windowRefusal(data.windowId, this.hallOf, halls),
      (data) => ({ caseId: typeof data.caseId === 'string' ? data.caseId : undefined }),
      toReporting(this.nats, ReportingRequests.importCases, 'cases', halls, writerOf(user), 'caseId'),
    );
  }
}
