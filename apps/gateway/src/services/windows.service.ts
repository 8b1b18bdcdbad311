import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  ActiveAwayRequest,
  AwayBody,
  AwayDeclarationMessage,
  AwayRequest,
  InferenceRequests,
  LiveWindowsRequest,
  LiveWindowState,
  ReportingRequests,
} from '@hallwatch/contracts';
import { AuthUser } from '../dtos/auth.types';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';
import { hallScope } from '../utils/hall-scope';
import { writerOf } from '../utils/row-batch';

@Injectable()
export class WindowsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /** The judge's states (inference), each with the 暂离 going on now (reporting's record). */
  async live(halls: string[] | undefined): Promise<(LiveWindowState & { away?: AwayDeclarationMessage })[]> {
    const request: LiveWindowsRequest = { halls };
    const active: ActiveAwayRequest = { at: new Date().toISOString(), halls };
    const [windows, away] = await Promise.all([
      requestService<LiveWindowState[]>(this.nats, InferenceRequests.liveWindows, request),
      requestService<AwayDeclarationMessage[]>(this.nats, ReportingRequests.activeAway, active),
    ]);
    const byWindow = new Map(away.map((d) => [d.windowId, d]));
    return windows.map((w) => (byWindow.has(w.windowId) ? { ...w, away: byWindow.get(w.windowId) } : w));
  }

  /** Reporting checks the window is the caller's and the limits (403/404/422 with the reason). */
  declareAway(user: AuthUser, windowId: string, body: AwayBody): Promise<AwayDeclarationMessage> {
    const request: AwayRequest = { windowId, reason: body.reason, minutes: body.minutes, halls: hallScope(user), by: writerOf(user) };
    return requestService<AwayDeclarationMessage>(this.nats, ReportingRequests.declareAway, request);
  }
}
