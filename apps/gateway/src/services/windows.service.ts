import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { InferenceRequests, LiveWindowsRequest, LiveWindowState } from '@hallwatch/contracts';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';

@Injectable()
export class WindowsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  live(halls: string[] | undefined): Promise<LiveWindowState[]> {
    const request: LiveWindowsRequest = { halls };
    return requestService<LiveWindowState[]>(this.nats, InferenceRequests.liveWindows, request);
  }
}
