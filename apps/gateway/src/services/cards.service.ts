import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { CardMessage, CardQuery, ReportingRequests } from '@hallwatch/contracts';
import type { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';
import { CardListQueryDto } from '../dtos/cards.dto';

@Injectable()
export class CardsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /** The cards of the caller's halls (403 for a hall outside them). */
  list(user: AuthUser, query: CardListQueryDto): Promise<CardMessage[]> {
    const request: CardQuery = { halls: hallScope(user, query.hall), from: query.from, to: query.to, color: query.color };
    return requestService<CardMessage[]>(this.nats, ReportingRequests.cards, request);
  }
}
