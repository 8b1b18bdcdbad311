import type { BackupManifest } from './backup';

/**
 * How a restore gets back what a collection had written to it after the backup:
 * - `replayed`: every write to it comes from a stream, which its service's durable consumer
 *   replays at start (`consumers`);
 * - `partly`: some of its writes come from a stream, the others (`lost`) from requests only;
 * - `derived`: recomputed from other collections or at start (rollups, schema versions), so it
 *   follows what they get back;
 * - `none`: no stream carries its writes (`lost` says what they are): made after the backup, they
 *   are gone, and the restore names the collection.
 */
export type CollectionRecovery =
  | { how: 'replayed'; consumers: string[] }
  | { how: 'partly'; consumers: string[]; lost: string }
  | { how: 'derived'; from: string }
  | { how: 'none'; lost: string };

/**
 * Every collection of every service by its name (a GridFS bucket by its bucket name), with its
 * recovery; consumers as `<stream>/<durable>`. A collection missing here is treated as `none`.
 */
export const COLLECTION_RECOVERY: Readonly<Record<string, CollectionRecovery>> = {
  // inference
  monitor_states: { how: 'derived', from: "each hall's state as the backup holds it, then judged again from the live frames" },
  presence_intervals: { how: 'replayed', consumers: ['HALLWATCH_PRESENCE/inference-presence'] },
  incidents: {
    how: 'partly',
    consumers: ['HALLWATCH_INCIDENTS/inference-reviews'],
    lost: "the evidence SHA-256s of incidents opened since; an incident still open when the services stopped is closed by its hall's next holder at the last time its record shows, its end unknown (the hall state is the backup's)",
  },
  evidence_views: { how: 'none', lost: 'who looked at which evidence frame since' },
  incident_tombstones: { how: 'derived', from: 'the retention purge, which runs again at start' },
  inference_leaves: { how: 'replayed', consumers: ['HALLWATCH_LEAVES/inference-leaves'] },
  inference_schema_versions: { how: 'derived', from: 'the migrations run at start' },
  evidence: { how: 'none', lost: 'evidence frames captured since' },
  // reporting
  cases: {
    how: 'partly',
    consumers: ['HALLWATCH_CASES/reporting'],
    lost: 'cases entered since through POST /api/cases or `hallwatch import cases`',
  },
  cards: {
    how: 'none',
    lost: 'cards issued since (the card check issues those of the cases in flight again, at a later time)',
  },
  cases_in_flight: { how: 'derived', from: 'the cases and cards' },
  rectifications: { how: 'none', lost: 'rectification orders issued, responded to, returned or verified since' },
  rectification_photos: { how: 'none', lost: "photos attached to rectification orders' responses since" },
  rectification_photo_views: { how: 'none', lost: "who looked at which order's photo since" },
  presence_days: { how: 'replayed', consumers: ['HALLWATCH_PRESENCE/reporting'] },
  queue_days: { how: 'replayed', consumers: ['HALLWATCH_QUEUE/reporting'] },
  window_days: { how: 'derived', from: 'presence_days, queue_days and leaves' },
  window_months: { how: 'derived', from: 'window_days' },
  reporting_incidents: { how: 'replayed', consumers: ['HALLWATCH_INCIDENTS/reporting-incidents'] },
  complaints: { how: 'none', lost: 'complaints entered since (POST /api/complaints, `hallwatch import complaints`)' },
  leaves: { how: 'replayed', consumers: ['HALLWATCH_LEAVES/reporting-leaves'] },
  away_declarations: { how: 'none', lost: '暂离 declarations made since (POST /api/windows/:id/away, queue pauses with a reason)' },
  waiting_hours: { how: 'replayed', consumers: ['HALLWATCH_OCCUPANCY/reporting-occupancy'] },
  webhook_deliveries: {
    how: 'replayed',
    consumers: ['HALLWATCH_INCIDENTS/reporting-webhooks', 'HALLWATCH_CARDS/reporting-webhooks'],
  },
  demo_seeds: { how: 'derived', from: "the demo's seeding at start" },
  reporting_schema_versions: { how: 'derived', from: 'the migrations run at start' },
};

/** A collection of the backup whose writes since it no stream (or only partly) carries. */
export interface UnreplayedCollection {
  database: string;
  /** Its name; a GridFS bucket's name, as in COLLECTION_RECOVERY. */
  collection: string;
  /** Its documents in the backup (a bucket's files). */
  count: number;
  /** What written since is gone. */
  lost: string;
}

/** A GridFS bucket's name for its `.files` and `.chunks` collections; undefined for any other. */
function bucketOf(collection: string): string | undefined {
  return /^(.+)\.(files|chunks)$/.exec(collection)?.[1];
}

/** The recovery of a collection by its name in the database (a GridFS collection by its bucket's). */
export function recoveryOf(collection: string): CollectionRecovery {
  return (
    COLLECTION_RECOVERY[bucketOf(collection) ?? collection] ?? {
      how: 'none',
      lost: 'everything written since (Hallwatch does not know this collection)',
    }
  );
}

/**
 * The backup's collections a restore cannot bring up to date from the streams (`none` and
 * `partly`), in the manifest's order; a GridFS bucket once, counted by its files.
 */
export function unreplayedCollections(manifest: Pick<BackupManifest, 'files'>): UnreplayedCollection[] {
  const found: UnreplayedCollection[] = [];
  for (const file of manifest.files) {
    const m = /^db\/([^/]+)\/(.+)\.jsonl$/.exec(file.path);
    if (!m || m[2].endsWith('.indexes') || m[2].endsWith('.chunks')) continue;
    const [, database, name] = m;
    const recovery = recoveryOf(name);
    if (recovery.how === 'none' || recovery.how === 'partly')
      found.push({ database, collection: bucketOf(name) ?? name, count: file.count, lost: recovery.lost });
  }
  return found;
}

/** One line of a restore's report for such a collection. */
export function describeUnreplayed(u: UnreplayedCollection, backupAt: string): string {
  return `not replayed: ${u.database}.${u.collection} (${u.count} in the backup of ${backupAt}): ${u.lost}`;
}
