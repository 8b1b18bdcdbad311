import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NatsRepository } from '../repositories/nats.repository';
import { LeaveExcuses } from '../services/leave-excuses.service';

/** hallwatch.leaves in: each approved leave excuses the incidents it covers. */
@Injectable()
export class LeavesHandler implements OnApplicationBootstrap {
  constructor(
    private readonly nats: NatsRepository,
    private readonly excuses: LeaveExcuses,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nats.consumeLeaves((leave) => this.excuses.register(leave));
  }
}
