import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  EvidenceImage,
  EvidenceRef,
  IncidentAppealRequest,
  IncidentPage,
  IncidentQuery,
  IncidentRef,
  IncidentReviewRequest,
  IncidentView,
  InferenceRequests,
  ReviewDecision,
} from '@hallwatch/contracts';
import type { AuthUser, Caller } from '../dtos/auth.types';
import { assertHall, hallScope } from '../utils/hall-scope';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';
import { IncidentListQueryDto } from '../dtos/incidents.dto';

@Injectable()
export class IncidentsService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  list(user: Caller, query: IncidentListQueryDto): Promise<IncidentPage> {
    const request: IncidentQuery = {
      halls: hallScope(user, query.hall),
      windowId: query.window,
      kind: query.kind,
      status: query.status,
      notKind: query.notKind,
      notStatus: query.notStatus,
      from: query.from,
      to: query.to,
      limit: query.limit,
      cursor: query.cursor,
    };
    return requestService<IncidentPage>(this.nats, InferenceRequests.listIncidents, request);
  }

  /** The incident if it exists and lies in the caller's halls (404 / 403 otherwise). */
  async get(user: AuthUser, id: string): Promise<IncidentView> {
    const ref: IncidentRef = { id };
    const incident = await requestService<IncidentView | null>(this.nats, InferenceRequests.getIncident, ref);
    if (!incident) throw new NotFoundException(`no incident "${id}"`);
    assertHall(user, incident.hallId);
    return incident;
  }

  async evidence(user: AuthUser, id: string, n: number): Promise<Buffer> {
    await this.get(user, id);
    const ref: EvidenceRef = { id, n, by: user.username };
    const image = await requestService<EvidenceImage | null>(this.nats, InferenceRequests.incidentEvidence, ref);
    if (!image) throw new NotFoundException(`incident "${id}" has no evidence frame ${n}`);
    return Buffer.from(image.data, 'base64');
  }

  async review(user: AuthUser, id: string, status: ReviewDecision, reason: string): Promise<IncidentView> {
    await this.get(user, id);
    const request: IncidentReviewRequest = { id, status, reason, by: user.username, role: user.role };
    const incident = await requestService<IncidentView | null>(this.nats, InferenceRequests.reviewIncident, request);
    if (!incident) throw new NotFoundException(`no incident "${id}"`);
    return incident;
  }

  async appeal(user: AuthUser, id: string, reason: string): Promise<IncidentView> {
    await this.get(user, id);
    const request: IncidentAppealRequest = { id, reason, by: user.username, role: user.role };
    const incident = await requestService<IncidentView | null>(this.nats, InferenceRequests.appealIncident, request);
    if (!incident) throw new NotFoundException(`no incident "${id}"`);
    return incident;
  }
}
