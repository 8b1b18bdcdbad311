import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { RectificationRecord, RectificationSource, RectificationState } from '@hallwatch/contracts';
import { type Doc, isDuplicateKey, modelOf } from './documents';
import { RectificationSchema } from './reporting.schemas';

const TIMES = ['issuedAt', 'dueAt', 'redAt', 'verifiedAt'] as const;
const FIELDS = [
  'source',
  'to',
  'halls',
  'dueWorkingDays',
  'instructions',
  'state',
  'tier',
  'issuedBy',
  'callBack',
  'version',
  'history',
] as const;

function toRecord(d: Record<string, unknown>): RectificationRecord {
  const r: Record<string, unknown> = { id: d._id };
  for (const k of FIELDS) if (d[k] !== undefined && d[k] !== null) r[k] = d[k];
  for (const k of TIMES) if (d[k] instanceof Date) r[k] = (d[k] as Date).toISOString();
  return r as unknown as RectificationRecord;
}

function toDoc(r: RectificationRecord): Record<string, unknown> {
  const { id: _id, ...rest } = r;
  const doc: Record<string, unknown> = { ...rest };
  for (const k of TIMES) if (r[k] !== undefined) doc[k] = new Date(r[k]!);
  for (const k of Object.keys(doc)) if (doc[k] === undefined) delete doc[k];
  return doc;
}

/** Rectification orders (`rectifications`), each with its whole history; every step one conditional write. */
@Injectable()
export class RectificationsRepository {
  private readonly orders: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.orders = modelOf(connection, 'Rectification', RectificationSchema);
  }

  /** Stores a new order unless its id is stored (then that one stands): answers the order stored. */
  async insert(order: RectificationRecord): Promise<RectificationRecord> {
    try {
      await this.orders.collection.insertOne({ _id: order.id, ...toDoc(order) } as never);
      return order;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.order(order.id))!;
    }
  }

  /** Stores new orders, leaving any whose id is stored already as it stands (one write for a batch). */
  async insertNew(orders: readonly RectificationRecord[]): Promise<void> {
    if (orders.length === 0) return;
    try {
      await this.orders.collection.insertMany(
        orders.map((o) => ({ _id: o.id, ...toDoc(o) }) as never),
        { ordered: false },
      );
    } catch (err) {
      // Another writer stored some meanwhile: theirs stand, the rest were written.
      if (!isDuplicateKey(err) && !(err as { writeErrors?: unknown[] }).writeErrors?.every((e) => isDuplicateKey(e))) throw err;
    }
  }

  /** The ids of `ids` already stored. */
  async storedIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const docs = await this.orders.collection.find({ _id: { $in: ids } } as never, { projection: { _id: 1 } }).toArray();
    return new Set(docs.map((d) => String(d._id)));
  }

  async order(id: string): Promise<RectificationRecord | undefined> {
    const d = await this.orders.collection.findOne({ _id: id } as never);
    return d ? toRecord(d) : undefined;
  }

  /** Writes the order's next step if it is still at version `previous`; false when someone wrote it meanwhile. */
  async save(order: RectificationRecord, previous: number): Promise<boolean> {
    const { verifiedAt: _v, ...doc } = toDoc(order);
    const written = await this.orders.collection.updateOne({ _id: order.id, version: previous } as never, {
      $set: order.verifiedAt ? { ...doc, verifiedAt: new Date(order.verifiedAt) } : doc,
    });
    return written.matchedCount === 1;
  }

  /** Orders of `halls` (undefined: every hall), of one state and source kind (undefined: any), newest first, at most `limit`. */
  async list(
    filter: { state?: RectificationState; source?: RectificationSource; halls?: readonly string[] },
    limit: number,
  ): Promise<RectificationRecord[]> {
    const q: Record<string, unknown> = {};
    if (filter.state) q.state = filter.state;
    if (filter.source) q['source.kind'] = filter.source;
    if (filter.halls) q.halls = { $in: filter.halls };
    const docs = await this.orders.find(q).sort({ issuedAt: -1, _id: 1 }).limit(limit).lean();
    return docs.map(toRecord);
  }

  /** Orders of a kind of source issued within [from, to). */
  async issuedBetween(source: RectificationSource, from: number, to: number): Promise<RectificationRecord[]> {
    const docs = await this.orders.find({ 'source.kind': source, issuedAt: { $gte: new Date(from), $lt: new Date(to) } }).lean();
    return docs.map(toRecord);
  }

  /** Every order not verified yet: what the periodic check looks at. */
  async unverified(): Promise<RectificationRecord[]> {
    const docs = await this.orders.find({ state: { $ne: 'verified' } }).lean();
    return docs.map(toRecord);
  }
}
