import { Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model } from 'mongoose';
import { decodeCursor } from '@hallwatch/contracts';
import type { AuditEntry, IncidentMessage, IncidentQuery, IncidentStatus, ReviewChange } from '@hallwatch/contracts';
import { chainEntry, chainHead, EXCUSABLE_KINDS, KEPT_REVIEWS } from '@hallwatch/domain';
import { InjectContext, KvMutex, NatsAdapter, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';
import {
  INCIDENT,
  IncidentRecord,
  IncidentTombstone,
  IncidentTombstoneSchema,
  incidentStatus,
  INCIDENT_TOMBSTONE,
  StoredAuditEntry,
} from './incident.schemas';
import { NatsRepository } from './nats.repository';

/** Where an incident in `status` stands in the stored fields (see incidentStatus). */
function statusFilter(status: IncidentStatus): FilterQuery<IncidentRecord> {
  if (status === 'open' || status === 'closed') return { review: null, leaveId: null, closedAt: status === 'open' ? null : { $ne: null } };
  if (status === 'excused') return { review: null, leaveId: { $ne: null } };
  return { review: status };
}

/** The filter of `query` but its cursor. */
function matching(query: IncidentQuery): FilterQuery<IncidentRecord> {
  const filter: FilterQuery<IncidentRecord> = {};
  const all: FilterQuery<IncidentRecord>[] = [];
  if (query.halls) filter.hallId = { $in: query.halls };
  if (query.windowId) all.push({ $or: [{ windowId: query.windowId }, { windowIds: query.windowId }] });
  if (query.kind) filter.kind = query.kind;
  if (query.notKind) all.push({ kind: { $ne: query.notKind } });
  if (query.status) Object.assign(filter, statusFilter(query.status));
  if (query.notStatus) all.push({ $nor: [statusFilter(query.notStatus)] });
  if (query.to) filter.openedAt = { $lt: new Date(query.to) };
  // Still going at or after `from`: open, or closed since.
  if (query.from) all.push({ $or: [{ closedAt: null }, { closedAt: { $gte: new Date(query.from) } }] });
  if (all.length > 0) filter.$and = all;
  return filter;
}

/** The chain's view of an incident: what its genesis hash seals. */
const chained = (r: Pick<IncidentRecord, '_id' | 'kind' | 'hallId' | 'windowId' | 'openedAt'>) => ({
  id: r._id,
  kind: r.kind,
  hallId: r.hallId,
  windowId: r.windowId,
  openedAt: r.openedAt,
});

/** A review or appeal as `review` answers it: the incident after, and whether the change was made. */
export interface ReviewOutcome {
  record: IncidentRecord;
  changed: boolean;
}

/** What an appended entry changes besides the trail, in the same write. */
export interface AppendChange {
  set?: Record<string, unknown>;
  /** Fields removed in the same write (a revoked leave's `leaveId`). */
  unset?: string[];
  /** Whether to append, judged of the incident as it stands under the lock. */
  accept?: (record: IncidentRecord) => boolean;
}

/**
 * The incidents, owned by inference. Writes to one incident (its open and close from the hall's
 * monitor; reviews, appeals and excuses from any instance) run under a lock per incident:
 * FerretDB 1.24 applies an update as a read then a whole-document write, so a close landing beside
 * a review could otherwise write back the document without the supervisor's decision. Every
 * audit entry goes through `append`, which chains it and publishes the new chain head.
 * Each write checks the lock first: a holder whose lock ran out is refused (LockLost) before
 * another can write.
 */
@Injectable()
export class IncidentRepository implements OnApplicationShutdown {
  private readonly log = new Logger(IncidentRepository.name);
  private readonly lock: KvMutex;
  private readonly tombstones: Model<IncidentTombstone>;

  constructor(
    @InjectModel(INCIDENT) private readonly incidents: Model<IncidentRecord>,
    @InjectContext() ctx: Pick<ServiceContext, 'env'>,
    /** The process's connection, for the incident locks. */
    nats: NatsAdapter,
    /** Where chain heads are published; without it (repository tests) they are not. */
    @Optional() private readonly heads?: NatsRepository,
    /** Where the lock's waits are observed (hallwatch_lock_wait_seconds); without it (repository tests) nowhere. */
    @Optional() metrics?: ServiceMetrics,
  ) {
    this.tombstones = incidents.db.model<IncidentTombstone>(INCIDENT_TOMBSTONE, IncidentTombstoneSchema);
    this.lock = new KvMutex('hallwatch_incident_locks', nats, ctx.env.instance, (key, why) =>
      this.log.warn(`incident lock ${key} lost while writing (${why}): the write is refused`),
    );
    if (metrics) this.lock.observeWaits(metrics);
  }

  /**
   * Stores an open or close event, with the SHA-256 of evidence frames not recorded yet; a
   * redelivered or repeated event changes nothing. A message naming a leave (`excused`: its audit
   * entry) excuses the incident unless it already is; answers that entry as chained, if appended.
   */
  async upsert(
    message: IncidentMessage,
    excused?: AuditEntry,
    evidence: { n: number; sha256: string; capturedAt: Date }[] = [],
  ): Promise<StoredAuditEntry | undefined> {
    const { id, closedAt, durationMs, leaveId, audit: _audit, ...opened } = message;
    const insert = { ...opened, openedAt: new Date(opened.openedAt) };
    return this.lock.run(id, async () => {
      const stored = await this.get(id);
      const recorded = new Set((stored?.evidence ?? []).map((e) => e.n));
      const added = evidence.filter((e) => !recorded.has(e.n));
      const set: Record<string, unknown> = closedAt ? { closedAt: new Date(closedAt), durationMs } : {};
      if (added.length > 0) set.evidence = [...(stored?.evidence ?? []), ...added].sort((a, b) => a.n - b.n);
      const update: Record<string, unknown> = { $setOnInsert: insert };
      if (Object.keys(set).length > 0) update.$set = set;
      this.lock.check();
      await this.incidents.updateOne({ _id: id }, update, { upsert: true });
      if (!leaveId || !excused || stored?.leaveId) return undefined;
      return (await this.appendLocked(id, excused, { set: { leaveId } }))?.record.audit?.at(-1);
    });
  }

  /** The hall's incidents not closed yet, whatever their status (an excused or reviewed one may still be open). */
  async openOf(hallId: string): Promise<IncidentRecord[]> {
    return this.incidents.find({ hallId, closedAt: null }).lean();
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
      const stored = await this.get(id);
      if (!stored || stored.leaveId) return stored?.leaveId === leaveId ? stored : null;
      return (await this.appendLocked(id, entry, { set: { leaveId } }))?.record ?? null;
    });
  }

  /** Incidents excused by this leave. */
  async excusedBy(leaveId: string): Promise<IncidentRecord[]> {
    return this.incidents.find({ leaveId }).lean();
  }

  /**
   * Takes back the excuse of a revoked leave, with its audit entry (timed after the trail's last),
   * if the incident is still excused by it. Answers the incident after, else null.
   */
  async unexcuse(id: string, leaveId: string, entry: AuditEntry): Promise<IncidentRecord | null> {
    return this.lock.run(id, async () => {
      const stored = await this.get(id);
      if (!stored || stored.leaveId !== leaveId) return null;
      return (await this.appendLocked(id, entry, { unset: ['leaveId'] }))?.record ?? null;
    });
  }

  /**
   * Incidents matching `query`, newest first (by opening, then by id), from just after
   * `query.cursor`'s position; at most `limit` of them (all when undefined).
   */
  async find(query: IncidentQuery, limit?: number): Promise<IncidentRecord[]> {
    const filter = matching(query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (after)
      (filter.$and ??= []).push({
        $or: [{ openedAt: { $lt: new Date(after.at) } }, { openedAt: new Date(after.at), _id: { $lt: after.id } }],
      });
    const found = this.incidents.find(filter).sort({ openedAt: -1, _id: -1 });
    return (limit === undefined ? found : found.limit(limit)).lean();
  }

  /** How many incidents match `query`'s filters (its cursor aside). */
  async count(query: IncidentQuery): Promise<number> {
    return this.incidents.countDocuments(matching(query));
  }

  async get(id: string): Promise<IncidentRecord | null> {
    return this.incidents.findById(id).lean();
  }

  /**
   * Sets the review (a decision or `appealed`) and appends who, when and why, if `accept` says so
   * of the incident as it stands under the lock (nothing changes in between). Null when there is
   * no such incident.
   */
  async review(
    id: string,
    change: ReviewChange,
    entry: AuditEntry,
    accept: (record: IncidentRecord) => boolean = () => true,
  ): Promise<ReviewOutcome | null> {
    return this.append(id, entry, { set: { review: change }, accept });
  }

  /**
   * Puts back an audit entry as the event that appended it carried it, with what it changed
   * (`change`: a review, a leaveId set or removed): only when the entry follows the trail's last
   * one (its prev is the trail's head), so a replay of an entry already in the trail changes
   * nothing. `missing`: no such incident; `purged`: the retention purge took it; `present`: in the trail.
   */
  async restoreEntry(
    id: string,
    entry: StoredAuditEntry,
    change: Pick<AppendChange, 'set' | 'unset'>,
  ): Promise<'restored' | 'present' | 'not-next' | 'missing' | 'purged'> {
    return this.lock.run(id, async () => {
      const record = await this.get(id);
      if (!record) return (await this.tombstones.exists({ _id: id })) ? 'purged' : 'missing';
      const trail = record.audit ?? [];
      if (trail.some((a) => a.hash === entry.hash)) return 'present';
      if (chainHead(chained(record), trail) !== entry.prev) return 'not-next';
      this.lock.check();
      const update = {
        ...(change.set ? { $set: change.set } : {}),
        ...(change.unset ? { $unset: Object.fromEntries(change.unset.map((field) => [field, 1])) } : {}),
        $push: { audit: entry },
      };
      const updated = await this.incidents.findOneAndUpdate({ _id: id }, update, { new: true }).lean();
      if (!updated) return 'missing';
      await this.heads
        ?.publishAuditHead({
          incidentId: id,
          hallId: updated.hallId,
          entries: updated.audit?.length ?? 0,
          hash: entry.hash!,
          at: entry.at.toISOString(),
        })
        .catch((err: Error) => this.log.warn(`incident ${id}: chain head not published: ${err.message}`));
      return 'restored';
    });
  }

  /**
   * Stores an incident from its opened or closed event when the database lacks it (after a restore
   * from an older backup), or its close when it lacks that: as `upsert` without evidence, and
   * without its leave, which comes back with its audit entry (restoreEntry). `purged`: the
   * retention purge left its tombstone, so it is not brought back.
   */
  async rebuild(message: IncidentMessage): Promise<'rebuilt' | 'closed' | 'present' | 'purged'> {
    const stored = await this.get(message.id);
    if (stored && (stored.closedAt || !message.closedAt)) return 'present';
    if (!stored && (await this.tombstones.exists({ _id: message.id }))) return 'purged';
    const { leaveId: _leaveId, audit: _audit, ...incident } = message;
    await this.upsert(incident);
    return stored ? 'closed' : 'rebuilt';
  }

  /** Appends an entry that changes no status. */
  async note(id: string, entry: AuditEntry): Promise<void> {
    await this.append(id, entry);
  }

  /**
   * The one way into an audit trail: appends `entry` (with `change.set` in the same write) under
   * the incident's lock if `change.accept` says so. Null when there is no such incident.
   */
  async append(id: string, entry: AuditEntry, change: AppendChange = {}): Promise<ReviewOutcome | null> {
    return this.lock.run(id, () => this.appendLocked(id, entry, change));
  }

  /**
   * Appends under the lock already held: the entry chained to the trail's head (prev, hash), its
   * time made later than the trail's last one (so "latest wins" elsewhere follows this order even
   * when instances' clocks differ); then the new head is published (a failed publication is
   * logged: the stream then lags the database, which verify accepts, never the other way round).
   */
  private async appendLocked(id: string, entry: AuditEntry, change: AppendChange): Promise<ReviewOutcome | null> {
    const record = await this.get(id);
    if (!record) return null;
    if (change.accept && !change.accept(record)) return { record, changed: false };
    const trail = record.audit ?? [];
    const last = Math.max(0, ...trail.map((a) => new Date(a.at).getTime()));
    const { prev: _prev, hash: _hash, ...fields } = entry;
    const stored = chainEntry(chained(record), trail, { ...fields, at: new Date(Math.max(Date.parse(entry.at), last + 1)) });
    this.lock.check();
    const updated = await this.incidents
      .findOneAndUpdate(
        { _id: id },
        {
          ...(change.set ? { $set: change.set } : {}),
          ...(change.unset ? { $unset: Object.fromEntries(change.unset.map((field) => [field, 1])) } : {}),
          $push: { audit: stored },
        },
        { new: true },
      )
      .lean();
    if (!updated) return null;
    const entries = updated.audit?.length ?? 0;
    await this.heads
      ?.publishAuditHead({ incidentId: id, hallId: updated.hallId, entries, hash: stored.hash, at: stored.at.toISOString() })
      .catch((err: Error) => this.log.warn(`incident ${id}: chain head ${entries} not published: ${err.message}`));
    return { record: updated, changed: true };
  }

  /**
   * Deletes incidents closed before `before`, except kept ones (confirmed, appealed), one at a
   * time under its lock and judged again there, so an appeal landing meanwhile keeps its incident.
   * Each leaves a tombstone in incident_tombstones, written first: a purge stopped in between only
   * leaves a tombstone beside its incident, which the next purge completes. Returns how many went.
   */
  async purgeClosedBefore(before: Date): Promise<number> {
    const expired = { closedAt: { $ne: null, $lt: before }, review: { $nin: KEPT_REVIEWS } };
    const purgedAt = new Date();
    let removed = 0;
    for (const { _id } of await this.incidents.find(expired, { _id: 1 }).lean()) {
      removed += await this.lock.run(_id, async () => {
        const doomed = await this.incidents.findOne({ ...expired, _id }).lean();
        if (!doomed) return 0;
        this.lock.check();
        await this.tombstones.updateOne({ _id }, { $setOnInsert: tombstoneOf(doomed, purgedAt) }, { upsert: true });
        return (await this.incidents.deleteOne({ ...expired, _id })).deletedCount;
      });
    }
    return removed;
  }

  /** Runs `work` on the incident as it stands under its lock (null: no such incident), so no write to it lands in between. */
  async locked<T>(id: string, work: (record: IncidentRecord | null) => Promise<T>): Promise<T> {
    return this.lock.run(id, async () => work(await this.get(id)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lock.close();
  }
}

function tombstoneOf(r: IncidentRecord, purgedAt: Date): IncidentTombstone {
  const trail = r.audit ?? [];
  return {
    _id: r._id,
    kind: r.kind,
    hallId: r.hallId,
    windowId: r.windowId,
    windowIds: r.windowIds,
    openedAt: r.openedAt,
    closedAt: r.closedAt,
    status: incidentStatus(r),
    entries: trail.length,
    lastHash: chainHead(chained(r), trail),
    purgedAt,
  };
}
