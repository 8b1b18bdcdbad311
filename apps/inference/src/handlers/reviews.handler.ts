import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NatsRepository } from '../repositories/nats.repository';
import { IncidentsService } from '../services/incidents.service';

/** hallwatch.incident.*.* in (inference's own events, read back): what a restore from an older backup lacks is put back. */
@Injectable()
export class ReviewsHandler implements OnApplicationBootstrap {
  constructor(
    private readonly nats: NatsRepository,
    private readonly incidents: IncidentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nats.consumeIncidentEvents((event) => this.incidents.restoreEvent(event));
  }
}
