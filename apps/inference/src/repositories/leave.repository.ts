import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';
import type { LeaveMessage } from '@hallwatch/contracts';

/** Inference's copy of an approved leave, from hallwatch.leaves; _id = the leave id. */
export interface LeaveRecord {
  _id: string;
  staffId: string;
  kind: LeaveMessage['kind'];
  from: Date;
  to: Date;
  reason: string;
  approvedBy: string;
  replacementStaffId?: string;
}

export const LEAVE = 'InferenceLeave';
export const LeaveSchema = new Schema<LeaveRecord>(
  {
    _id: { type: String, required: true },
    staffId: { type: String, required: true },
    kind: { type: String, required: true },
    from: { type: Date, required: true },
    to: { type: Date, required: true },
    reason: String,
    approvedBy: String,
    replacementStaffId: String,
  },
  { collection: 'inference_leaves', versionKey: false },
);

/** The leaves inference excuses incidents by. Insert-only: a leave is never changed (reporting refuses that). */
@Injectable()
export class LeaveRepository {
  constructor(@InjectModel(LEAVE) private readonly leaves: Model<LeaveRecord>) {}

  /** Stores a leave once; a redelivered one changes nothing. */
  async insert(l: LeaveMessage): Promise<void> {
    const { id, from, to, ...rest } = l;
    await this.leaves.updateOne({ _id: id }, { $setOnInsert: { ...rest, from: new Date(from), to: new Date(to) } }, { upsert: true });
  }

  /** Staff whose leaves overlapping [from, to) name `staffId` as their replacement. */
  async replacedBy(staffId: string, from: Date, to: Date): Promise<string[]> {
    const found = await this.leaves.find({ replacementStaffId: staffId, from: { $lt: to }, to: { $gt: from } }, { staffId: 1 }).lean();
    return found.map((l) => l.staffId);
  }

  /** Leaves covering instant `at`, oldest id first. */
  async covering(at: number): Promise<LeaveRecord[]> {
    return this.leaves
      .find({ from: { $lte: new Date(at) }, to: { $gt: new Date(at) } })
      .sort({ _id: 1 })
      .lean();
  }
}
