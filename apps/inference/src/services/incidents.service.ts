import { Injectable } from '@nestjs/common';
import type {
  EvidenceImage,
  IncidentQuery,
  IncidentMessage,
  IncidentRef,
  IncidentReviewedMessage,
  IncidentReviewRequest,
  IncidentView,
  ReviewDecision,
} from '@hallwatch/contracts';
import { EvidenceFile, EvidenceRepository } from '../repositories/evidence.repository';
import { IncidentRecord, IncidentRepository } from '../repositories/incident.repository';
import { NatsRepository } from '../repositories/nats.repository';

/** What the gateway asks about incidents: lists, one incident, its evidence, and the bureau's review. */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly evidence: EvidenceRepository,
    private readonly nats: NatsRepository,
  ) {}

  async list(query: IncidentQuery): Promise<IncidentView[]> {
    const records = await this.incidents.find(query);
    const evidence = await this.evidence.list(records.map((r) => r._id));
    return records.map((r) => toView(r, evidence.get(r._id) ?? []));
  }

  async get(ref: IncidentRef): Promise<IncidentView | null> {
    return this.view(await this.incidents.get(ref.id));
  }

  async evidenceImage(ref: IncidentRef): Promise<EvidenceImage | null> {
    const jpeg = await this.evidence.get(ref.id, ref.n ?? 0);
    return jpeg && { contentType: 'image/jpeg', data: jpeg.toString('base64') };
  }

  /**
   * Stores the decision with its audit entry, then publishes it for the statistics. Should the
   * publication fail, the request fails: the decision is kept, and deciding again publishes it.
   */
  async review(request: IncidentReviewRequest): Promise<IncidentView | null> {
    const entry = { by: request.by, at: new Date().toISOString(), action: request.status, reason: request.reason };
    const record = await this.incidents.review(request.id, request.status, entry);
    if (record) await this.nats.publishIncidentReviewed(toReviewedMessage(record, request.status, entry.at), record.audit?.length ?? 0);
    return this.view(record);
  }

  private async view(record: IncidentRecord | null): Promise<IncidentView | null> {
    if (!record) return null;
    const evidence = await this.evidence.list([record._id]);
    return toView(record, evidence.get(record._id) ?? []);
  }
}

/** The incident as its events carry it. */
export function toMessage(r: IncidentRecord): IncidentMessage {
  return {
    id: r._id,
    kind: r.kind,
    hallId: r.hallId,
    windowId: r.windowId,
    windowIds: r.windowIds,
    cameraId: r.cameraId,
    staff: r.staff,
    openedAt: r.openedAt.toISOString(),
    closedAt: r.closedAt?.toISOString(),
    durationMs: r.durationMs,
    leaveId: r.leaveId,
  };
}

function toReviewedMessage(r: IncidentRecord, review: ReviewDecision, reviewedAt: string): IncidentReviewedMessage {
  return { ...toMessage(r), review, reviewedAt };
}

function toView(r: IncidentRecord, evidence: EvidenceFile[]): IncidentView {
  return {
    ...toMessage(r),
    // A review outranks the leave: the bureau may still confirm or dismiss an excused incident.
    status: r.review ?? (r.leaveId ? 'excused' : r.closedAt ? 'closed' : 'open'),
    audit: (r.audit ?? []).map((a) => ({ by: a.by, at: a.at.toISOString(), action: a.action, reason: a.reason })),
    evidence: evidence.map((e) => ({ n: e.n, role: e.role, capturedAt: new Date(e.capturedAt).toISOString() })),
  };
}
