import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { BatchResult, ComplaintRecord, RecordRef, ReportingRequests, RowResult, windowlessComplaintRefusal } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { answerRows, hallsOfWindows, toReporting, windowRefusal, writerOf } from '../utils/row-batch';
import { requestService } from '../repositories/service-request';

@Injectable()
export class ComplaintsService {
  private readonly hallOf: ReadonlyMap<string, string>;

  constructor(
    @Inject(NATS_CLIENT) private readonly nats: ClientProxy,
    @InjectContext() ctx: ServiceContext,
  ) {
    this.hallOf = hallsOfWindows(ctx.site);
  }

  /**
   * Forwards the rows the caller may write. A complaint names a window of the caller's halls; one
   * without a window belongs to no hall, so only a caller who sees every hall (admin) files it.
   * Reporting checks the halls again against the complaints it has stored.
   */
  import(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult> {
    const halls = hallScope(user);
    return answerRows<Record<string, unknown>, RowResult>(
      rows,
      (data) => (data.windowId === undefined ? windowlessComplaintRefusal(halls) : windowRefusal(data.windowId, this.hallOf, halls)),
      (data) => ({ id: typeof data.id === 'string' ? data.id : undefined }),
      toReporting(this.nats, ReportingRequests.importComplaints, 'complaints', halls, writerOf(user)),
    );
  }

  /** A complaint with its versions (404 unknown; 403 outside a hall manager's halls). */
  get(user: AuthUser, id: string): Promise<ComplaintRecord> {
    const ref: RecordRef = { id, halls: hallScope(user) };
    return requestService<ComplaintRecord>(this.nats, ReportingRequests.getComplaint, ref);
  }
}
