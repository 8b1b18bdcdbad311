import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  EvidenceImage,
  EvidenceRef,
  FailingHall,
  IncidentAppealRequest,
  IncidentPage,
  IncidentQuery,
  IncidentRef,
  IncidentReviewRequest,
  IncidentView,
  InferenceRequests,
  LiveHallsRequest,
  LiveHallState,
  LiveWindowsRequest,
  LiveWindowState,
  validateMessage,
} from '@hallwatch/contracts';
import { IncidentsService } from '../services/incidents.service';
import { WindowsService } from '../services/windows.service';

/** Request/reply for the gateway; a malformed request is refused with the reason, never thrown. */
@Controller()
export class RequestsHandler {
  private readonly log = new Logger(RequestsHandler.name);

  constructor(
    private readonly windows: WindowsService,
    private readonly incidents: IncidentsService,
  ) {}

  @MessagePattern(InferenceRequests.liveWindows)
  liveWindows(@Payload() payload: unknown): Promise<LiveWindowState[]> {
    return this.valid(LiveWindowsRequest, payload, (r) => this.windows.live(r.halls));
  }

  @MessagePattern(InferenceRequests.liveHalls)
  liveHalls(@Payload() payload: unknown): Promise<LiveHallState[]> {
    return this.valid(LiveHallsRequest, payload, (r) => this.windows.liveHalls(r.halls));
  }

  @MessagePattern(InferenceRequests.listIncidents)
  listIncidents(@Payload() payload: unknown): Promise<IncidentPage> {
    return this.valid(IncidentQuery, payload, (q) => this.incidents.list(q));
  }

  @MessagePattern(InferenceRequests.getIncident)
  getIncident(@Payload() payload: unknown): Promise<IncidentView | null> {
    return this.valid(IncidentRef, payload, (r) => this.incidents.get(r));
  }

  @MessagePattern(InferenceRequests.incidentEvidence)
  incidentEvidence(@Payload() payload: unknown): Promise<EvidenceImage | null> {
    return this.valid(EvidenceRef, payload, (r) => this.incidents.evidenceImage(r));
  }

  @MessagePattern(InferenceRequests.reviewIncident)
  reviewIncident(@Payload() payload: unknown): Promise<IncidentView | null> {
    return this.valid(IncidentReviewRequest, payload, (r) => this.incidents.review(r));
  }

  @MessagePattern(InferenceRequests.appealIncident)
  appealIncident(@Payload() payload: unknown): Promise<IncidentView | null> {
    return this.valid(IncidentAppealRequest, payload, (r) => this.incidents.appeal(r));
  }

  @MessagePattern(InferenceRequests.failingHalls)
  failingHalls(): Promise<FailingHall[]> {
    return this.windows.failingHalls();
  }

  private async valid<T extends object, R>(type: new () => T, payload: unknown, answer: (request: T) => Promise<R>): Promise<R> {
    const decoded = validateMessage(type, payload);
    if (!decoded.ok) {
      this.log.warn(`${type.name} refused: ${decoded.reason}`);
      throw new RpcException(`bad ${type.name}: ${decoded.reason}`);
    }
    return answer(decoded.value);
  }
}
