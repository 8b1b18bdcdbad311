import { ConflictException, HttpException, Injectable, Logger } from '@nestjs/common';
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
  type IncidentReviewRequest,
  type IncidentView,
  type PublishedIncidentEvent,
  type ReviewChange,
} from '@hallwatch/contracts';
import { appealState, judgeAppeal, judgeDecision, sha256Hex, type ReviewJudgement } from '@hallwatch/domain';
import { EvidenceFile, EvidenceRepository } from '../repositories/evidence.repository';
import { EvidenceView, EvidenceViewRepository } from '../repositories/evidence-view.repository';
import { IncidentRepository, ReviewOutcome } from '../repositories/incident.repository';
import { auditEntryOf, incidentStatus, IncidentRecord } from '../repositories/incident.schemas';
import { NatsRepository } from '../repositories/nats.repository';

const DAY = 24 * 3600_000;
/** Room in a reply for what wraps the page (the transport's id and flags, `nextCursor`). */
const REPLY_ENVELOPE_BYTES = 1024;

/** What the gateway asks about incidents: lists, one incident, its evidence, the bureau's review and appeals. */
@Injectable()
export class IncidentsService {
  private readonly log = new Logger(IncidentsService.name);

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly evidence: EvidenceRepository,
    private readonly views: EvidenceViewRepository,
    private readonly nats: NatsRepository,
  ) {}

  /**
   * One page of the incidents matching `query` (without `from`: the default period before `to` or
   * now), cut short where more would not fit in one NATS reply; nextCursor continues after it. The
   * first page (no cursor) counts them all (`total`, one countDocuments on the same filter).
   */
  async list(query: IncidentQuery): Promise<IncidentPage> {
    const limit = query.limit ?? PAGE_LIMIT.default;
    const from = query.from ?? new Date((query.to ? Date.parse(query.to) : Date.now()) - INCIDENT_DEFAULT_PERIOD_DAYS * DAY).toISOString();
    // One more than asked: whether a next page exists.
    const [records, total] = await Promise.all([
      this.incidents.find({ ...query, from }, limit + 1),
      query.cursor === undefined ? this.incidents.count({ ...query, from }) : undefined,
    ]);
    const page = records.slice(0, limit);
    const ids = page.map((r) => r._id);
    const [evidence, viewsOf] = await Promise.all([this.evidence.list(ids), this.views.of(ids)]);
    const views = page.map((r) => toView(r, evidence.get(r._id) ?? [], viewsOf.get(r._id) ?? []));
    const items = views.slice(0, fittingCount(views, (await this.nats.maxPayload()) - REPLY_ENVELOPE_BYTES));
    const last = items[items.length - 1];
    if (!last || (items.length === views.length && records.length <= limit)) return { items, total };
    return { items, total, nextCursor: encodeCursor({ at: Date.parse(last.openedAt), id: last.id }) };
  }

  async get(ref: IncidentRef): Promise<IncidentView | null> {
    return this.view(await this.incidents.get(ref.id));
  }

  /**
   * The frame, once it matches the SHA-256 recorded when it was captured (an altered frame is
   * refused with 409, never shown as evidence) and its view is recorded (who looked, when, which frame).
   */
  async evidenceImage(ref: EvidenceRef): Promise<EvidenceImage | null> {
    const [frame, record] = await Promise.all([this.evidence.get(ref.id, ref.n), this.incidents.get(ref.id)]);
    if (!frame || !record) return null;
    const expected = record.evidence?.find((e) => e.n === ref.n)?.sha256 ?? frame.file.sha256;
    if (expected && sha256Hex(frame.jpeg) !== expected) {
      this.log.error(`incident ${ref.id}: evidence frame ${ref.n} does not match its SHA-256 recorded at capture; not served`);
      throw new ConflictException(
        `evidence frame ${ref.n} of incident ${ref.id} does not match the SHA-256 recorded when it was captured: it was altered and is not served`,
      );
    }
    await this.views.record({ incidentId: ref.id, n: ref.n, by: ref.by, at: new Date() });
    return { contentType: 'image/jpeg', data: frame.jpeg.toString('base64') };
  }

  /**
   * Stores the decision with its audit entry, then publishes it for the statistics. Refused with
   * 403/409 and the reason by the separation of duties (judgeDecision), judged under the incident's
   * lock; an admin's change to a final incident is recorded as a correction. Should the
   * publication fail, the request fails: the decision is kept, and deciding again publishes it.
   */
  async review(request: IncidentReviewRequest): Promise<IncidentView | null> {
    const entry: AuditEntry = { by: request.by, at: new Date().toISOString(), action: request.status, reason: request.reason };
    const actor = { username: request.by, role: request.role };
    const outcome = await this.judged(request.id, request.status, entry, (r) => judgeDecision(incidentStatus(r), r.audit ?? [], actor));
    return this.publishChange(outcome, request.status);
  }

  /**
   * Files an appeal: the incident becomes `appealed` (undecided) until the bureau decides again.
   * Refused with 403/409 and the reason when it may not be appealed (judgeAppeal), judged under
   * the incident's lock so a review landing at the same moment is seen.
   */
  async appeal(request: IncidentAppealRequest): Promise<IncidentView | null> {
    const entry: AuditEntry = { by: request.by, at: new Date().toISOString(), action: AuditActions.appealed, reason: request.reason };
    const actor = { username: request.by, role: request.role };
    const outcome = await this.judged(request.id, 'appealed', entry, (r) => judgeAppeal(incidentStatus(r), r.audit ?? [], actor));
    return this.publishChange(outcome, 'appealed');
  }

  /** Sets `change` with `entry` if `judge` allows it of the incident under its lock; throws its refusal. */
  private async judged(
    id: string,
    change: ReviewChange,
    entry: AuditEntry,
    judge: (record: IncidentRecord) => ReviewJudgement,
  ): Promise<ReviewOutcome | null> {
    let judgement: ReviewJudgement | undefined;
    const outcome = await this.incidents.review(id, change, entry, (record) => {
      judgement = judge(record);
      // Judged before the entry is chained, so the correction mark is inside its hash.
      if (judgement.ok && judgement.correction) entry.correction = true;
      return judgement.ok;
    });
    if (judgement && !judgement.ok) throw new HttpException(judgement.reason, judgement.status);
    return outcome;
  }

  /** Publishes a stored review change (once per change: the audit trail's length tells them apart). */
  private async publishChange(outcome: ReviewOutcome | null, change: ReviewChange): Promise<IncidentView | null> {
    if (!outcome) return null;
    const { record } = outcome;
    const trail = record.audit ?? [];
    const at = trail[trail.length - 1].at.toISOString();
    await this.nats.publishIncidentReviewed(
      { ...toMessage(record), review: change, reviewedAt: at, audit: auditEntryOf(trail[trail.length - 1]) },
      trail.length,
    );
    return this.view(record);
  }

  /**
   * An incident event of inference's own, read back: what the database lacks after a restore from
   * an older backup is put back, each once. `opened` and `closed` store the incident (rebuild);
   * an event's audit entry (a review, an appeal, an excuse, an un-excuse, an unobserved close) goes back with what it
   * changed when the incident's trail lacks it and it follows the trail's head. An event of an
   * incident not stored (its `opened` is in another instance's hands) is refused, so it is
   * delivered again, and moved to the dead letters if it never can be.
   */
  async restoreEvent(e: PublishedIncidentEvent): Promise<void> {
    const m = e.message;
    if (e.type === 'opened' || e.type === 'closed') {
      const rebuilt = await this.incidents.rebuild(m);
      if (rebuilt === 'purged') return;
      if (rebuilt !== 'present') this.log.log(`incident ${m.id}: ${e.type} of ${m.closedAt ?? m.openedAt} put back from the stream`);
    }
    if (!m.audit?.hash || !m.audit.prev) return;
    const change =
      e.type === 'reviewed'
        ? { set: { review: e.message.review } }
        : e.type === 'unexcused'
          ? { unset: ['leaveId'] }
          : m.audit.action === AuditActions.closed
            ? {} // a close whose end was not observed: the close itself is stored above
            : m.leaveId
              ? { set: { leaveId: m.leaveId } }
              : undefined;
    if (!change) return;
    const outcome = await this.incidents.restoreEntry(m.id, { ...m.audit, at: new Date(m.audit.at) }, change);
    const what = `its ${m.audit.action} entry of ${m.audit.at}`;
    if (outcome === 'missing') throw new Error(`incident ${m.id}: not in the database, so ${what} cannot be put back yet`);
    if (outcome === 'not-next') this.log.warn(`incident ${m.id}: ${what} does not follow the trail's last entry; not put back`);
    if (outcome === 'restored') this.log.log(`incident ${m.id}: ${m.audit.action} of ${m.audit.at} put back from the stream`);
  }

  private async view(record: IncidentRecord | null): Promise<IncidentView | null> {
    if (!record) return null;
    const [evidence, views] = await Promise.all([this.evidence.list([record._id]), this.views.of([record._id])]);
    return toView(record, evidence.get(record._id) ?? [], views.get(record._id) ?? []);
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
    reason: r.reason,
    queueEvent: r.queueEvent,
    leaveId: r.leaveId,
  };
}

function toView(r: IncidentRecord, evidence: EvidenceFile[], views: EvidenceView[]): IncidentView {
  const audit = r.audit ?? [];
  return {
    ...toMessage(r),
    status: incidentStatus(r),
    audit: audit.map(auditEntryOf),
    evidence: evidence.map((e) => ({
      n: e.n,
      role: e.role,
      capturedAt: new Date(e.capturedAt).toISOString(),
      sha256: r.evidence?.find((h) => h.n === e.n)?.sha256 ?? e.sha256,
    })),
    views: views.map((v) => ({ by: v.by, at: v.at.toISOString(), n: v.n })),
    final: appealState(audit).decided !== undefined,
  };
}
