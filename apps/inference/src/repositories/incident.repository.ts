import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model, Schema } from 'mongoose';
import type { AuditEntry, IncidentKind, IncidentMessage, IncidentQuery, QueueEventKind, ReviewChange } from '@hallwatch/contracts';
import { EXCUSABLE_KINDS } from '@hallwatch/domain';
import { InjectContext, KvMutex, ServiceContext } from '@hallwatch/runtime';

export interface IncidentRecord {
  /** The domain's deterministic incident id: the same incident is always the same document. */
  _id: string;
  kind: IncidentKind;
  hallId: string;
  windowId?: string;
  windowIds?: string[];
  cameraId?: string;
  staff?: string;
  openedAt: Date;
  /** Missing while the incident is open. */
  closedAt?: Date | null;
  durationMs?: number;
  /** queue-open-seat-empty: the queue event that opened the session. */
  queueEvent?: { windowId: string; staffId: string; event: QueueEventKind; at: string };
  /** The approved leave that excuses it; missing unless excused. */
  leaveId?: string;
  /** The bureau's decision, or `appealed` while an appeal awaits it; null or missing until reviewed. */
  review?: ReviewChange | null;
  /** Decisions, appeals and evidence views; missing until the first one (an empty array is not stored by every backend). */
  audit?: { by: string; at: Date; action: string; reason?: string; n?: number }[];
}

/** Reviews whose incident and evidence outlive retention: a confirmation, and an appeal awaiting its decision. */
const KEPT_REVIEWS: ReviewChange[] = ['confirmed', 'appealed'];

/** `at` (ISO 8601), or 1 ms after the trail's last entry if that is not earlier. */
function afterTrail(record: IncidentRecord, at: string): Date {
  const last = Math.max(0, ...(record.audit ?? []).map((a) => new Date(a.at).getTime()));
  return new Date(Math.max(Date.parse(at), last + 1));
}

export const INCIDENT = 'Incident';
export const IncidentSchema = new Schema<IncidentRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    hallId: { type: String, required: true },
    windowId: String,
    windowIds: { type: [String], default: undefined },
    cameraId: String,
    staff: String,
    openedAt: { type: Date, required: true },
    closedAt: Date,
    durationMs: Number,
    queueEvent: { type: new Schema({ windowId: String, staffId: String, event: String, at: String }, { _id: false }), default: undefined },
    leaveId: String,
    review: String,
    audit: { type: [{ _id: false, by: String, at: Date, action: String, reason: String, n: Number }], default: undefined },
  },
  { collection: 'incidents', versionKey: false },
);
IncidentSchema.index({ hallId: 1, openedAt: -1 });

/** A review or appeal as `review` answers it: the incident after, and whether the change was made. */
export interface ReviewOutcome {
  record: IncidentRecord;
  changed: boolean;
}

/**
 * The incidents, owned by inference. Writes to one incident (its open and close from the hall's
 * monitor; reviews, appeals and evidence views from any instance) run under a lock per incident:
 * FerretDB 1.24 applies an update as a read then a whole-document write, so a close landing beside
 * a review could otherwise write back the document without the supervisor's decision. Each write
 * checks the lock first: a holder whose lock ran out is refused (LockLost) before another can write.
 */
@Injectable()
export class IncidentRepository implements OnApplicationShutdown {
  private readonly log = new Logger(IncidentRepository.name);
  private readonly lock: KvMutex;

  constructor(
    @InjectModel(INCIDENT) private readonly incidents: Model<IncidentRecord>,
    @InjectContext() ctx: Pick<ServiceContext, 'natsUrl' | 'env'>,
  ) {
    this.lock = new KvMutex(
      'hallwatch_incident_locks',
      ctx.natsUrl,
      ctx.env.instance,
      (key, why) => this.log.warn(`incident lock ${key} lost while writing (${why}): the write is refused`),
      ctx.env.streamReplicas,
    );
  }

  /**
   * Stores an open or close event; a redelivered or repeated event changes nothing. A message
   * naming a leave (`excused`: its audit entry) excuses the incident unless it already is.
   */
  async upsert(message: IncidentMessage, excused?: AuditEntry): Promise<void> {
    const { id, closedAt, durationMs, leaveId, ...opened } = message;
    const insert = { ...opened, openedAt: new Date(opened.openedAt) };
    await this.lock.run(id, async () => {
      const set: Record<string, unknown> = closedAt ? { closedAt: new Date(closedAt), durationMs } : {};
      const update: Record<string, unknown> = { $setOnInsert: insert };
      if (leaveId && excused && !(await this.incidents.exists({ _id: id, leaveId: { $ne: null } }))) {
        set.leaveId = leaveId;
        update.$push = { audit: { ...excused, at: new Date(excused.at) } };
      }
      if (Object.keys(set).length > 0) update.$set = set;
      this.lock.check();
      await this.incidents.updateOne({ _id: id }, update, { upsert: true });
    });
  }

  /** Incidents of EXCUSABLE_KINDS of these windows not excused yet that opened within [from, to). */
  async excusable(windowIds: string[], from: Date, to: Date): Promise<IncidentRecord[]> {
    if (windowIds.length === 0) return [];
    return this.incidents
      .find({ kind: { $in: [...EXCUSABLE_KINDS] }, windowId: { $in: windowIds }, openedAt: { $gte: from, $lt: to }, leaveId: null })
      .lean();
  }

  /**
   * Marks an incident excused by a leave, with its audit entry, unless it is excused already.
   * Answers the incident when it is (now or before) excused by this leave, else null.
   */
  async excuse(id: string, leaveId: string, entry: AuditEntry): Promise<IncidentRecord | null> {
    return this.lock.run(id, async () => {
      const stored = await this.incidents.findById(id).lean();
      if (!stored || stored.leaveId) return stored?.leaveId === leaveId ? stored : null;
      this.lock.check();
      return this.incidents
        .findOneAndUpdate({ _id: id }, { $set: { leaveId }, $push: { audit: { ...entry, at: new Date(entry.at) } } }, { new: true })
        .lean();
    });
  }

  async find(query: IncidentQuery): Promise<IncidentRecord[]> {
    const filter: FilterQuery<IncidentRecord> = {};
    if (query.halls) filter.hallId = { $in: query.halls };
    if (query.windowId) filter.$or = [{ windowId: query.windowId }, { windowIds: query.windowId }];
    if (query.kind) filter.kind = query.kind;
    if (query.status === 'open' || query.status === 'closed') {
      filter.review = null;
      filter.leaveId = null;
      filter.closedAt = query.status === 'open' ? null : { $ne: null };
    } else if (query.status === 'excused') {
      filter.review = null;
      filter.leaveId = { $ne: null };
    } else if (query.status) filter.review = query.status;
    if (query.to) filter.openedAt = { $lt: new Date(query.to) };
    const found = await this.incidents.find(filter).sort({ openedAt: -1 }).lean();
    // "Still going at or after `from`" needs an $or next to the window's; simpler and portable here.
    const from = query.from ? Date.parse(query.from) : undefined;
    return from === undefined ? found : found.filter((i) => !i.closedAt || i.closedAt.getTime() >= from);
  }

  async get(id: string): Promise<IncidentRecord | null> {
    return this.incidents.findById(id).lean();
  }

  /**
   * Sets the review (a decision or `appealed`) and appends who, when and why, if `accept` says so
   * of the incident as it stands under the lock (nothing changes in between). The entry's time is
   * made later than the trail's last one, so "latest wins" elsewhere follows this order even when
   * instances' clocks differ. Null when there is no such incident.
   */
  async review(
    id: string,
    change: ReviewChange,
    entry: AuditEntry,
    accept: (record: IncidentRecord) => boolean = () => true,
  ): Promise<ReviewOutcome | null> {
    return this.lock.run(id, async () => {
      const record = await this.get(id);
      if (!record) return null;
      if (!accept(record)) return { record, changed: false };
      const at = afterTrail(record, entry.at);
      this.lock.check();
      const updated = await this.incidents
        .findOneAndUpdate({ _id: id }, { $set: { review: change }, $push: { audit: { ...entry, at } } }, { new: true })
        .lean();
      return updated && { record: updated, changed: true };
    });
  }

  /** Appends an entry that changes no status (an evidence view), under the lock so no review is lost beside it. */
  async note(id: string, entry: AuditEntry): Promise<void> {
    await this.lock.run(id, async () => {
      const record = await this.get(id);
      if (!record) return;
      this.lock.check();
      await this.incidents.updateOne({ _id: id }, { $push: { audit: { ...entry, at: afterTrail(record, entry.at) } } });
    });
  }

  /** Deletes incidents closed before `before`, except kept ones (confirmed, appealed). Returns how many went. */
  async purgeClosedBefore(before: Date): Promise<number> {
    return (await this.incidents.deleteMany({ closedAt: { $ne: null, $lt: before }, review: { $nin: KEPT_REVIEWS } })).deletedCount;
  }

  /** Ids of confirmed or appealed incidents among `ids`: their evidence outlives the retention period. */
  async kept(ids: string[]): Promise<Set<string>> {
    const found = await this.incidents.find({ _id: { $in: ids }, review: { $in: KEPT_REVIEWS } }, { _id: 1 }).lean();
    return new Set(found.map((i) => i._id));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lock.close();
  }
}
