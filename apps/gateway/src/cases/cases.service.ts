import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { CaseImportResult, CaseRowResult, ReportingRequests } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { AuthUser } from '../auth/auth.types';
import { hallScope } from '../auth/hall-scope';
import { NATS_CLIENT } from '../nats/nats-client.module';
import { requestService } from '../nats/service-request';

@Injectable()
export class CasesService {
  private readonly hallOf: Map<string, string>;

  constructor(
    @Inject(NATS_CLIENT) private readonly nats: ClientProxy,
    @InjectContext() ctx: ServiceContext,
  ) {
    this.hallOf = new Map(ctx.site.windows.map((w) => [w.id, w.hall]));
  }

  /**
   * Forwards the rows the caller may write; rows for windows the site file does not know, or
   * outside a hall manager's halls, are rejected here. Reporting checks the halls again against
   * the cases it has stored.
   */
  async import(user: AuthUser, rows: Record<string, unknown>[]): Promise<CaseImportResult> {
    const halls = hallScope(user);
    const outside: CaseRowResult[] = [];
    const allowed: { row: number; data: Record<string, unknown> }[] = [];
    rows.forEach((data, row) => {
      const windowId = typeof data.windowId === 'string' ? data.windowId : undefined;
      const hall = windowId === undefined ? undefined : this.hallOf.get(windowId);
      const caseId = typeof data.caseId === 'string' ? data.caseId : undefined;
      // A row without a windowId string goes on, so reporting names every problem it has.
      if (windowId !== undefined && hall === undefined) {
        outside.push({
          row,
          caseId,
          accepted: false,
          reason: `windowId: no window ${JSON.stringify(windowId.slice(0, 200))} in the site file`,
        });
      } else if (halls && !(hall && halls.includes(hall))) {
        outside.push({
          row,
          caseId,
          accepted: false,
          reason: `window ${JSON.stringify(String(windowId ?? '').slice(0, 200))} is outside your halls`,
        });
      } else allowed.push({ row, data });
    });
    const answer = allowed.length
      ? await requestService<CaseImportResult>(
          this.nats,
          ReportingRequests.importCases,
          { cases: allowed.map((a) => a.data), halls },
          60000,
        )
      : { accepted: 0, rejected: 0, results: [] };
    const results = [...answer.results.map((r) => ({ ...r, row: allowed[r.row].row })), ...outside].sort((a, b) => a.row - b.row);
    return { accepted: answer.accepted, rejected: results.length - answer.accepted, results };
  }
}
