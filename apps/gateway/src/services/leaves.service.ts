import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  BatchResult,
  LeaveAction,
  LeaveDecisionRequest,
  LeaveRecordMessage,
  RecordRef,
  ReportingRequests,
  RowResult,
} from '@hallwatch/contracts';
import { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { answerRows, toReporting, writerOf } from '../utils/row-batch';
import { requestService } from '../repositories/service-request';

@Injectable()
export class LeavesService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /**
   * A leave names staff, not a window: reporting checks every row, a hall manager's against the
   * rosters of their halls, so nothing is refused here. The signed-in user is its submitter.
   */
  register(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult> {
    return answerRows<Record<string, unknown>, RowResult>(
      rows,
      () => undefined,
      () => ({}),
      toReporting(this.nats, ReportingRequests.importLeaves, 'leaves', hallScope(user), writerOf(user)),
    );
  }

  /** A leave with its versions (404 unknown; 403 for a hall manager when it concerns none of their halls). */
  get(user: AuthUser, id: string): Promise<LeaveRecordMessage> {
    const ref: RecordRef = { id, halls: hallScope(user) };
    return requestService<LeaveRecordMessage>(this.nats, ReportingRequests.getLeave, ref);
  }

  /** Approves, rejects or revokes a leave as the signed-in user (403/409 with the reason when refused). */
  decide(user: AuthUser, id: string, action: LeaveAction, reason: string): Promise<LeaveRecordMessage> {
    const request: LeaveDecisionRequest = { id, action, reason, by: writerOf(user) };
    return requestService<LeaveRecordMessage>(this.nats, ReportingRequests.decideLeave, request);
  }
}
