import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { BatchResult, ReportingRequests } from '@hallwatch/contracts';
import { AuthUser } from '../auth/auth.types';
import { hallScope } from '../auth/hall-scope';
import { NATS_CLIENT } from '../nats/nats-client.module';
import { requestService } from '../nats/service-request';

@Injectable()
export class LeavesService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /** Reporting checks every row, a hall manager's against the rosters of their halls. */
  register(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult> {
    return requestService<BatchResult>(this.nats, ReportingRequests.importLeaves, { leaves: rows, halls: hallScope(user) }, 60000);
  }
}
