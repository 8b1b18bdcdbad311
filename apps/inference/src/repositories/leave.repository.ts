import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import type { LeaveRecordMessage, LeaveStatus } from '@hallwatch/contracts';
import { isDuplicateKey } from '@hallwatch/runtime';

/** Inference's copy of a leave's latest version, from hallwatch.leaves; _id = the leave id. */
export interface LeaveRecord {
  _id: string;
  staffId: string;
  kind: LeaveRecordMessage['kind'];
  from: Date;
  to: Date;
  reason: string;
  replacementStaffId?: string;
  /** Missing on copies stored before leaves had statuses: those were all approved. */
  status?: LeaveStatus;
  version?: number;
  /** The halls it excuses in; missing: every hall. */
  halls?: string[];
  submittedBy?: string;
  approvedBy?: string;
}

/** The statuses that excuse nothing (a copy without a status predates them and was approved). */
const NOT_APPROVED: LeaveStatus[] = ['pending', 'rejected', 'revoked'];

export const LEAVE = 'InferenceLeave';
export const LeaveSchema = new Schema<LeaveRecord>(
  {
    _id: { type: String, required: true },
    staffId: { type: String, required: true },
    kind: { type: String, required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    reason: String,
    replacementStaffId: String,
    status: String,
    version: Number,
    halls: { type: [String], default: undefined },
    submittedBy: String,
    approvedBy: String,
  },
  { collection: 'inference_leaves', versionKey: false },
);

/** The leaves inference excuses incidents by: the latest version of each, never an older one over a newer. */
@Injectable()
export class LeaveRepository {
  constructor(@InjectModel(LEAVE) private readonly leaves: Model<LeaveRecord>) {}

  /**
   * Stores a leave's version unless a later one is stored (a redelivered or late older version
   * changes nothing). Answers the leave as stored after.
   */
  async save(l: LeaveRecordMessage): Promise<LeaveRecord | null> {
    const { id, from, to, versions: _versions, submittedAt: _at, approvedAt: _approvedAt, ...rest } = l;
    const set = { ...rest, from: new Date(from), to: new Date(to) };
    try {
      await this.leaves.updateOne({ _id: id, version: { $lt: l.version } }, { $set: set }, { upsert: true });
    } catch (err) {
      // Stored with this version or a later one, or (a copy from before versions) without one.
      if (!isDuplicateKey(err)) throw err;
      await this.leaves.updateOne({ _id: id, version: { $exists: false } }, { $set: set });
    }
    return this.leaves.findById(id).lean();
  }

  /** Staff whose approved leaves overlapping [from, to) name `staffId` as their replacement. */
  async replacedBy(staffId: string, from: Date, to: Date): Promise<string[]> {
    const found = await this.leaves
      .find({ replacementStaffId: staffId, from: { $lt: to }, to: { $gt: from }, status: { $nin: NOT_APPROVED } }, { staffId: 1 })
      .lean();
    return found.map((l) => l.staffId);
  }

  /** Approved leaves covering instant `at`, oldest id first. */
  async covering(at: number): Promise<LeaveRecord[]> {
    return this.leaves
      .find({ from: { $lte: new Date(at) }, to: { $gt: new Date(at) }, status: { $nin: NOT_APPROVED } })
      .sort({ _id: 1 })
      .lean();
  }
}
