import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { ComplaintRecord, ComplaintVersion } from '@hallwatch/contracts';
import { COMPLAINT_COLUMNS } from '@hallwatch/stats';
import { type Doc, isDuplicateKey, modelOf, readVersion, versionOf, type WrittenBy } from './documents';
import { ComplaintSchema } from './reporting.schemas';

export interface StoredComplaint {
  id: string;
  receivedAt: number;
  channel: string;
  windowId?: string;
  /** Of its window; undefined without one. */
  hallId?: string;
  staffId?: string;
  caseId?: string;
  category: string;
  verified: boolean | 'pending';
  outcome?: string;
}

/** The same of a complaint, optional ones too: a new version without one unsets it. */
const COMPLAINT_FIELDS: readonly string[] = COMPLAINT_COLUMNS.filter((c) => c !== 'id');

/** Complaints by id (`complaints`), each version with who submitted it. */
@Injectable()
export class ComplaintsRepository {
  private readonly complaints: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.complaints = modelOf(connection, 'Complaint', ComplaintSchema);
  }

  /** A stored complaint with every version; undefined when there is none. */
  async complaint(id: string): Promise<ComplaintRecord | undefined> {
    const d = await this.complaints.collection.findOne({ _id: id } as never);
    if (!d) return undefined;
    const current = toComplaintVersion(d as unknown as Doc);
    const versions = ((d.versions as Doc[] | undefined) ?? []).map(toComplaintVersion);
    return { id, ...current, ...(d.hallId ? { hallId: d.hallId as string } : {}), versions: [...versions, current] };
  }

  /**
   * Stores a complaint's next version (the stored one, if any, kept in `versions`) if the stored
   * version is still `previous` (0: none); false when someone wrote it meanwhile.
   */
  async saveComplaint(c: StoredComplaint, by: WrittenBy, previous: number): Promise<boolean> {
    const { id, receivedAt, ...rest } = c;
    const doc: Record<string, unknown> = { ...rest, receivedAt: new Date(receivedAt) };
    for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
    const stored = previous > 0 ? await this.complaints.collection.findOne({ _id: id } as never) : null;
    try {
      if (!stored) {
        if (previous > 0) return false;
        await this.complaints.collection.insertOne({ _id: id, ...doc, version: 1, ...by } as never);
        return true;
      }
      // A complaint stored before versions: its fields become version 1.
      const version = (stored.version as number | undefined) ?? 1;
      if (version !== previous) return false;
      const unset = Object.fromEntries(COMPLAINT_FIELDS.filter((k) => !(k in doc)).map((k) => [k, 1]));
      const written = await this.complaints.collection.updateOne(
        readVersion(id, stored) as never,
        {
          $set: { ...doc, version: version + 1, ...by },
          $push: { versions: { version, ...versionOf(stored) } },
          ...(Object.keys(unset).length ? { $unset: unset } : {}),
        } as never,
      );
      return written.matchedCount === 1;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /** Complaints received within [from, to). */
  async complaintsReceivedBetween(from: number, to: number): Promise<StoredComplaint[]> {
    const docs = await this.complaints.find({ receivedAt: { $gte: new Date(from), $lt: new Date(to) } }).lean();
    return docs.map((d) => ({
      id: d._id,
      receivedAt: (d.receivedAt as Date).getTime(),
      channel: d.channel as string,
      windowId: (d.windowId as string) ?? undefined,
      hallId: (d.hallId as string) ?? undefined,
      staffId: (d.staffId as string) ?? undefined,
      caseId: (d.caseId as string) ?? undefined,
      category: d.category as string,
      verified: d.verified as StoredComplaint['verified'],
      outcome: (d.outcome as string) ?? undefined,
    }));
  }
}

function toComplaintVersion(d: Doc): ComplaintVersion {
  const optional = (k: string) => (d[k] === undefined || d[k] === null ? {} : { [k]: d[k] as string });
  return {
    version: (d.version as number | undefined) ?? 1,
    receivedAt: (d.receivedAt as Date).toISOString(),
    channel: d.channel as ComplaintVersion['channel'],
    ...optional('windowId'),
    ...optional('staffId'),
    ...optional('caseId'),
    category: d.category as string,
    verified: d.verified as ComplaintVersion['verified'],
    ...optional('outcome'),
    submittedBy: (d.submittedBy as string | undefined) ?? 'unrecorded',
    submittedAt: d.submittedAt instanceof Date ? d.submittedAt.toISOString() : new Date(0).toISOString(),
  };
}
