import type { Connection, Model, Schema } from 'mongoose';
import { isDuplicateKey } from '@hallwatch/runtime';

export { isDuplicateKey };

/**
 * What reporting's repositories share. Every write is safe with several reporting instances and
 * the CLI import at once: raw facts are written with single-document atomic updates, rollups with
 * a version check (no transactions, which FerretDB lacks), and every document is addressed by _id
 * (all FerretDB filters fast).
 */

export type Doc = Record<string, unknown> & { _id: string };

/** Who wrote a stored version and when; on every case, complaint and leave. */
export interface WrittenBy {
  submittedBy: string;
  submittedAt: Date;
}

/** The model of `schema` on this connection, its documents read as plain records. */
export function modelOf(connection: Connection, name: string, schema: Schema): Model<Doc> {
  return connection.model(name, schema) as unknown as Model<Doc>;
}

/** A stored document's fields without its _id and history, as a version to keep. */
export function versionOf(d: Record<string, unknown>): Record<string, unknown> {
  const { _id, versions: _v, ...rest } = d;
  return rest;
}

/**
 * The filter of a write conditional on the version of `stored` as read: a document stored before
 * versions has none (its fields are version 1), and must still have none.
 */
export function readVersion(_id: string, stored: Record<string, unknown>): Record<string, unknown> {
  return stored.version === undefined ? { _id, version: { $exists: false } } : { _id, version: stored.version };
}

/** Sets `fields` on document _id unless its `key` is already at `value` or later (one atomic write). */
export async function setIfNewer(
  model: Model<Doc>,
  _id: string,
  key: string,
  value: number | Date,
  fields: Record<string, unknown>,
): Promise<void> {
  try {
    await model.collection.updateOne({ _id, [key]: { $lt: value } } as never, { $set: fields }, { upsert: true });
  } catch (err) {
    // The document exists with a later `key`, or without one (then this is the first).
    if (!isDuplicateKey(err)) throw err;
    await model.collection.updateOne({ _id, [key]: { $exists: false } } as never, { $set: fields });
  }
}
