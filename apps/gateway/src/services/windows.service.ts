import { Inject, Injectable, Logger } from '@nestjs/common';
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

/** How long the board waits for reporting's 暂离 before it answers without them. */
const AWAY_TIMEOUT_MS = 3000;

@Injectable()
export class WindowsService {
  private readonly log = new Logger(WindowsService.name);
  /** Whether the last look for 暂离 failed: warned once per outage, not per board refresh. */
  private awayFailing = false;

  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  /**
   * The judge's states (inference), each with the 暂离 going on now (reporting's record). The
   * states do not wait on reporting: while it does not answer, the board still gets them, without
   * their 暂离 (the judge has applied the declarations all the same).
   */
  async live(halls: string[] | undefined): Promise<(LiveWindowState & { away?: AwayDeclarationMessage })[]> {
    const request: LiveWindowsRequest = { halls };
    const [windows, away] = await Promise.all([
      requestService<LiveWindowState[]>(this.nats, InferenceRequests.liveWindows, request),
      this.activeAway(halls),
    ]);
    const byWindow = new Map(away.map((d) => [d.windowId, d]));
    return windows.map((w) => (byWindow.has(w.windowId) ? { ...w, away: byWindow.get(w.windowId) } : w));
  }

  private async activeAway(halls: string[] | undefined): Promise<AwayDeclarationMessage[]> {
    const active: ActiveAwayRequest = { at: new Date().toISOString(), halls };
    try {
      const away = await requestService<AwayDeclarationMessage[]>(this.nats, ReportingRequests.activeAway, active, AWAY_TIMEOUT_MS);
      if (this.awayFailing) this.log.log('reporting answers again: the live windows carry their 暂离 again');
      this.awayFailing = false;
      return away;
    } catch (err) {
      if (!this.awayFailing) this.log.warn(`live windows without their 暂离 while reporting does not answer: ${(err as Error).message}`);
      this.awayFailing = true;
      return [];
    }
  }

  /** Reporting checks the window is the caller's and the limits (403/404/422 with the reason). */
  declareAway(user: AuthUser, windowId: string, body: AwayBody): Promise<AwayDeclarationMessage> {
    const request: AwayRequest = { windowId, reason: body.reason, minutes: body.minutes, halls: hallScope(user), by: writerOf(user) };
    return requestService<AwayDeclarationMessage>(this.nats, ReportingRequests.declareAway, request);
  }
}
