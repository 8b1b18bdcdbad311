import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { InferenceRequests, LiveHallsRequest, LiveHallState } from '@hallwatch/contracts';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';

@Injectable()
export class HallsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  live(halls: string[] | undefined): Promise<LiveHallState[]> {
    const request: LiveHallsRequest = { halls };
    return requestService<LiveHallState[]>(this.nats, InferenceRequests.liveHalls, request);
  }
}
