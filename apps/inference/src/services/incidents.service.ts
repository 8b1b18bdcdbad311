import { ConflictException, Injectable } from '@nestjs/common';
import {
  AuditActions,
  encodeCursor,
  fittingCount,
  INCIDENT_DEFAULT_PERIOD_DAYS,
  PAGE_LIMIT,
  type AuditEntry,
  type EvidenceImage,
  type EvidenceRef,
  type IncidentAppealRequest,
  type IncidentQuery,
  type IncidentMessage,
  type IncidentPage,
  type IncidentRef,
  type IncidentReviewedMessage,
  type IncidentReviewRequest,
  type IncidentStatus,
  type IncidentView,
  type ReviewChange,
} from '@hallwatch/contracts';
import { appealRefusal } from '@hallwatch/domain';
import { EvidenceFile, EvidenceRepository } from '../repositories/evidence.repository';
import { IncidentRecord, IncidentRepository, ReviewOutcome } from '../repositories/incident.repository';
import { NatsRepository } from '../repositories/nats.repository';

const DAY = 24 * 3600_000;
/** Room in a reply for what wraps the page (the transport's id and flags, `nextCursor`). */
const REPLY_ENVELOPE_BYTES = 1024;

/** What the gateway asks about incidents: lists, one incident, its evidence, the bureau's review and appeals. */
@Injectable()
export class IncidentsService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly evidence: EvidenceRepository,
    private readonly nats: NatsRepository,
  ) {}

  /**
   * One page of the incidents matching `query` (without `from`: the default period before `to` or
   * now), cut short where more would not fit in one NATS reply; nextCursor continues after it.
   */
  async list(query: IncidentQuery): Promise<IncidentPage> {
    const limit = query.limit ?? PAGE_LIMIT.default;
    const from = query.from ?? new Date((query.to ? Date.parse(query.to) : Date.now()) - INCIDENT_DEFAULT_PERIOD_DAYS * DAY).toISOString();
    // One more than asked: whether a next page exists.
    const records = await this.incidents.find({ ...query, from }, limit + 1);
    const page = records.slice(0, limit);
    const evidence = await this.evidence.list(page.map((r) => r._id));
    const views = page.map((r) => toView(r, evidence.get(r._id) ?? []));
    const items = views.slice(0, fittingCount(views, (await this.nats.maxPayload()) - REPLY_ENVELOPE_BYTES));
    const last = items[items.length - 1];
    if (!last || (items.length === views.length && records.length <= limit)) return { items };
    return { items, nextCursor: encodeCursor({ at: Date.parse(last.openedAt), id: last.id }) };
  }

  async get(ref: IncidentRef): Promise<IncidentView | null> {
    return this.view(await this.incidents.get(ref.id));
  }

  /** The frame, once its view is in the audit trail (who looked, when, which frame). */
  async evidenceImage(ref: EvidenceRef): Promise<EvidenceImage | null> {
    const jpeg = await this.evidence.get(ref.id, ref.n);
    if (!jpeg) return null;
    await this.incidents.note(ref.id, { by: ref.by, at: new Date().toISOString(), action: AuditActions.evidenceViewed, n: ref.n });
    return { contentType: 'image/jpeg', data: jpeg.toString('base64') };
  }

  /**
   * Stores the decision with its audit entry, then publishes it for the statistics. Should the
   * publication fail, the request fails: the decision is kept, and deciding again publishes it.
   */
  async review(request: IncidentReviewRequest): Promise<IncidentView | null> {
    const entry = { by: request.by, at: new Date().toISOString(), action: request.status, reason: request.reason };
    return this.publishChange(await this.incidents.review(request.id, request.status, entry), request.status);
  }

  /**
   * Files an appeal: the incident becomes `appealed` (undecided) until the bureau decides again.
   * Refused with 409 and the reason when its status cannot be appealed (see appealRefusal), judged
   * under the incident's lock so a review landing at the same moment is seen.
   */
  async appeal(request: IncidentAppealRequest): Promise<IncidentView | null> {
    const entry: AuditEntry = { by: request.by, at: new Date().toISOString(), action: AuditActions.appealed, reason: request.reason };
    const outcome = await this.incidents.review(request.id, 'appealed', entry, (r) => appealRefusal(statusOf(r)) === undefined);
    if (outcome && !outcome.changed) throw new ConflictException(appealRefusal(statusOf(outcome.record)));
    return this.publishChange(outcome, 'appealed');
  }

  /** Publishes a stored review change (once per change: the audit trail's length tells them apart). */
  private async publishChange(outcome: ReviewOutcome | null, change: ReviewChange): Promise<IncidentView | null> {
    if (!outcome) return null;
    const { record } = outcome;
    const trail = record.audit ?? [];
    const at = trail[trail.length - 1].at.toISOString();
    await this.nats.publishIncidentReviewed(toReviewedMessage(record, change, at), trail.length);
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
    queueEvent: r.queueEvent,
    leaveId: r.leaveId,
  };
}

function toReviewedMessage(r: IncidentRecord, review: ReviewChange, reviewedAt: string): IncidentReviewedMessage {
  return { ...toMessage(r), review, reviewedAt };
}

/** A review outranks the leave: the bureau may still confirm or dismiss an excused incident. */
function statusOf(r: IncidentRecord): IncidentStatus {
  return r.review ?? (r.leaveId ? 'excused' : r.closedAt ? 'closed' : 'open');
}

function toView(r: IncidentRecord, evidence: EvidenceFile[]): IncidentView {
  return {
    ...toMessage(r),
    status: statusOf(r),
    audit: (r.audit ?? []).map((a) => ({ by: a.by, at: a.at.toISOString(), action: a.action, reason: a.reason, n: a.n })),
    evidence: evidence.map((e) => ({ n: e.n, role: e.role, capturedAt: new Date(e.capturedAt).toISOString() })),
  };
}
