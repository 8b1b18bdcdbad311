import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { LeaveRecordMessage } from '@hallwatch/contracts';
import type { Leave, LeaveStatus } from '@hallwatch/domain';
import { type Doc, isDuplicateKey, modelOf } from './documents';
import { LeaveSchema } from './reporting.schemas';

/** The statuses that excuse nothing (a leave stored without a status predates them and was approved). */
const NOT_APPROVED: LeaveStatus[] = ['pending', 'rejected', 'revoked'];

/** Leaves and duty changes (`leaves`), the record of them: every version of each, and the approved ones that excuse. */
@Injectable()
export class LeavesRepository {
  private readonly leaves: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.leaves = modelOf(connection, 'Leave', LeaveSchema);
  }

  /**
   * Inserts a leave's first version unless its id is stored; answers the stored leave when it was
   * (insert-only, so two writers of one id cannot both win).
   */
  async insertLeave(l: LeaveRecordMessage): Promise<LeaveRecordMessage | undefined> {
    try {
      await this.leaves.collection.insertOne(leaveDoc(l) as never);
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.leave(l.id))!;
    }
  }

  /** A stored leave with its versions; undefined when there is none. */
  async leave(id: string): Promise<LeaveRecordMessage | undefined> {
    const d = await this.leaves.collection.findOne({ _id: id } as never);
    return d ? toLeaveRecord(d as unknown as Doc) : undefined;
  }

  /** Writes a leave's next version if the stored one is still `previous` (false: someone wrote it meanwhile). */
  async saveLeaveVersion(l: LeaveRecordMessage, previous: number): Promise<boolean> {
    const { _id, ...fields } = leaveDoc(l);
    const filter = previous === 1 ? { _id, $or: [{ version: 1 }, { version: { $exists: false } }] } : { _id, version: previous };
    return (await this.leaves.collection.updateOne(filter as never, { $set: fields })).matchedCount === 1;
  }

  /**
   * Stores a leave version from hallwatch.leaves unless the stored one is as new or newer (true:
   * stored). After a restore this brings back the versions made since the backup.
   */
  async saveIfNewer(l: LeaveRecordMessage): Promise<boolean> {
    const { _id, ...fields } = leaveDoc(l);
    const older = { _id, $or: [{ version: { $lt: l.version } }, { version: { $exists: false } }] };
    try {
      const r = await this.leaves.collection.updateOne(older as never, { $set: fields }, { upsert: true });
      return r.modifiedCount + r.upsertedCount > 0;
    } catch (err) {
      // Stored at this version or a later one: the upsert met its own _id.
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
  }

  /** Staff whose approved leaves overlapping [from, to) name `staffId` as their replacement. */
  async replacedBy(staffId: string, from: number, to: number): Promise<string[]> {
    const docs = await this.leaves
      .find({ replacementStaffId: staffId, from: { $lt: new Date(to) }, to: { $gt: new Date(from) }, status: { $nin: NOT_APPROVED } })
      .lean();
    return docs.map((d) => d.staffId as string);
  }

  /** Approved leaves of these staff overlapping [from, to), with the halls they excuse in. */
  async leavesOf(staffIds: readonly string[], from: number, to: number): Promise<Leave[]> {
    if (staffIds.length === 0) return [];
    const docs = await this.leaves
      .find({ staffId: { $in: [...staffIds] }, from: { $lt: new Date(to) }, to: { $gt: new Date(from) }, status: { $nin: NOT_APPROVED } })
      .sort({ _id: 1 })
      .lean();
    return docs.map((d) => ({
      id: d._id,
      staffId: d.staffId as string,
      kind: d.kind as Leave['kind'],
      from: (d.from as Date).getTime(),
      to: (d.to as Date).getTime(),
      ...(d.replacementStaffId ? { replacementStaffId: d.replacementStaffId as string } : {}),
      ...(Array.isArray(d.halls) ? { halls: d.halls as string[] } : {}),
    }));
  }
}

/** A leave as stored in `leaves`: its latest version's fields, with every version. */
function leaveDoc(l: LeaveRecordMessage): Doc {
  const { id, from, to, submittedAt, approvedAt, ...rest } = l;
  const doc: Doc = {
    _id: id,
    ...rest,
    from: new Date(from),
    to: new Date(to),
    submittedAt: new Date(submittedAt),
    approvedAt: approvedAt === undefined ? undefined : new Date(approvedAt),
  };
  for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
  return doc;
}

function toLeaveRecord(d: Doc): LeaveRecordMessage {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | undefined));
  // A leave stored before statuses and versions was approved, by whoever its free-text field named.
  const submittedAt = iso(d.submittedAt) ?? new Date(0).toISOString();
  return {
    id: d._id,
    staffId: d.staffId as string,
    kind: d.kind as LeaveRecordMessage['kind'],
    from: iso(d.from)!,
    to: iso(d.to)!,
    reason: d.reason as string,
    ...(d.replacementStaffId ? { replacementStaffId: d.replacementStaffId as string } : {}),
    status: (d.status as LeaveStatus | undefined) ?? 'approved',
    version: (d.version as number | undefined) ?? 1,
    ...(Array.isArray(d.halls) ? { halls: d.halls as string[] } : {}),
    submittedBy: (d.submittedBy as string | undefined) ?? 'unrecorded',
    submittedAt,
    ...(d.approvedBy ? { approvedBy: d.approvedBy as string } : {}),
    ...(d.approvedAt ? { approvedAt: iso(d.approvedAt) } : {}),
    versions: (d.versions as LeaveRecordMessage['versions'] | undefined) ?? [],
  };
}
