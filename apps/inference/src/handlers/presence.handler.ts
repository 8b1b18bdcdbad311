import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NatsRepository } from '../repositories/nats.repository';
import { WindowsService } from '../services/windows.service';

/** hallwatch.presence.* in (inference's own changes, read back): the intervals a restore from an older backup lacks are put back. */
@Injectable()
export class PresenceHandler implements OnApplicationBootstrap {
  constructor(
    private readonly nats: NatsRepository,
    private readonly windows: WindowsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nats.consumePresence((change) => this.windows.restoreChange(change));
  }
}
