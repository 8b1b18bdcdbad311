import type { mongo } from 'mongoose';
import type { LockHold } from '@hallwatch/runtime';
import { intervalKey } from './presence.repository';

/** An interval as stored, under either _id (its other fields are carried over as they are). */
type Stored = { _id: mongo.ObjectId | string; windowId: string; since: Date } & Record<string, unknown>;

/** Where the intervals wait under their new _id while their old documents are replaced. */
const STAGING = 'presence_intervals_keying';

/**
 * Gives each presence interval stored under a generated ObjectId its key as _id (intervalKey):
 * copied to a staging collection first, then each old document replaced by its copy, so a crash
 * at any point loses none (the next start copies what is left and replaces again) and the unique
 * (windowId, since) index never holds both.
 */
export async function keyPresenceIntervals(collection: mongo.Collection, hold: LockHold, db: mongo.Db): Promise<void> {
  const intervals = collection as unknown as mongo.Collection<Stored>;
  const staging = db.collection<Stored & { legacyId: mongo.ObjectId }>(STAGING);
  for await (const doc of intervals.find({})) {
    if (typeof doc._id === 'string') continue;
    hold.check();
    const { _id, ...fields } = doc;
    await staging.replaceOne({ _id: intervalKey(doc.windowId, doc.since) }, { ...fields, legacyId: _id }, { upsert: true });
  }
  for await (const { _id, legacyId, ...fields } of staging.find({})) {
    hold.check();
    await intervals.deleteOne({ _id: legacyId });
    await intervals.replaceOne({ _id }, fields, { upsert: true });
  }
  if ((await db.listCollections({ name: STAGING }).toArray()).length > 0) await staging.drop();
}
