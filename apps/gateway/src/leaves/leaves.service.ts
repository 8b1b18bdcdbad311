import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { BatchResult, ReportingRequests, RowResult } from '@hallwatch/contracts';
import { AuthUser } from '../auth/auth.types';
import { hallScope } from '../auth/hall-scope';
import { NATS_CLIENT } from '../nats/nats-client.module';
import { answerRows, toReporting } from '../nats/row-batch';

@Injectable()
export class LeavesService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /**
   * A leave names staff, not a window: reporting checks every row, a hall manager's against the
   * rosters of their halls, so nothing is refused here.
   */
  register(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult> {
    return answerRows<Record<string, unknown>, RowResult>(
      rows,
      () => undefined,
      () => ({}),
      toReporting(this.nats, ReportingRequests.importLeaves, 'leaves', hallScope(user)),
    );
  }
}
