import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { NatsRepository } from '../repositories/nats.repository';
import { IncidentsService } from '../services/incidents.service';

/** hallwatch.incident.*.reviewed in (inference's own, read back): what a restore from an older backup lacks is put back. */
@Injectable()
export class ReviewsHandler implements OnApplicationBootstrap {
  constructor(
    private readonly nats: NatsRepository,
    private readonly incidents: IncidentsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.nats.consumeReviews((review) => this.incidents.restoreReview(review));
  }
}
