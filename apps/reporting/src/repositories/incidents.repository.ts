import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { type Doc, modelOf, setIfNewer } from './documents';
import { ReportedIncidentSchema } from './reporting.schemas';

export interface StoredIncident {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string;
  staff?: string;
  openedAt: number;
  closedAt?: number;
  review?: string;
  leaveId?: string;
}

/** Reporting's own copy of each incident's status and review (`reporting_incidents`), for the statistics. */
@Injectable()
export class IncidentsRepository {
  private readonly incidents: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.incidents = modelOf(connection, 'ReportedIncident', ReportedIncidentSchema);
  }

  /**
   * Records an incident's open or close event. Every field is set, never unset, so events in any
   * order and redelivered ones give the same document: a late `opened` never reopens it, and a
   * leave once revoked never excuses it again.
   */
  async saveIncident(i: Omit<StoredIncident, 'review'>): Promise<void> {
    const set: Record<string, unknown> = { kind: i.kind, hallId: i.hallId, openedAt: new Date(i.openedAt) };
    if (i.windowId !== undefined) set.windowId = i.windowId;
    if (i.staff !== undefined) set.staff = i.staff;
    if (i.closedAt !== undefined) set.closedAt = new Date(i.closedAt);
    await this.incidents.collection.updateOne({ _id: i.id } as never, { $set: set }, { upsert: true });
    // A revoked leave never excuses it again, whatever arrives late.
    if (i.leaveId !== undefined)
      await this.incidents.collection.updateOne({ _id: i.id, revokedLeaveIds: { $ne: i.leaveId } } as never, {
        $set: { leaveId: i.leaveId },
      });
  }

  /** The leave excusing an incident was revoked: it is excused no more (unless by another leave, set by a later message). */
  async unexcuseIncident(id: string, revokedLeaveId: string): Promise<void> {
    await this.incidents.collection.updateOne({ _id: id } as never, { $addToSet: { revokedLeaveIds: revokedLeaveId } } as never);
    await this.incidents.collection.updateOne({ _id: id, leaveId: revokedLeaveId } as never, { $unset: { leaveId: 1 } });
  }

  /** Records the bureau's decision (or an appeal) made at `at`, unless a later one is already recorded. */
  async saveReview(id: string, review: string, at: number): Promise<void> {
    await setIfNewer(this.incidents, id, 'reviewedAt', new Date(at), { review, reviewedAt: new Date(at) });
  }

  /** One incident; undefined when reporting has no copy of it. */
  async incident(id: string): Promise<StoredIncident | undefined> {
    const d = await this.incidents.collection.findOne({ _id: id } as never);
    return d ? toIncident(d as unknown as Doc) : undefined;
  }

  /** Incidents that opened within [from, to). */
  async incidentsOpenedBetween(from: number, to: number): Promise<StoredIncident[]> {
    const docs = await this.incidents.find({ openedAt: { $gte: new Date(from), $lt: new Date(to) } }).lean();
    return docs.map(toIncident);
  }
}

function toIncident(d: Doc): StoredIncident {
  return {
    id: d._id,
    kind: d.kind as string,
    hallId: d.hallId as string,
    windowId: (d.windowId as string) ?? undefined,
    staff: (d.staff as string) ?? undefined,
    openedAt: (d.openedAt as Date).getTime(),
    closedAt: d.closedAt ? (d.closedAt as Date).getTime() : undefined,
    review: (d.review as string) ?? undefined,
    leaveId: (d.leaveId as string) ?? undefined,
  };
}
