import type { ServiceSchemas } from '@hallwatch/runtime';
import { keyPresenceIntervals } from './repositories/presence-keys.migration';

/** Inference's collections and the migrations of each, oldest first (see docs/operations.md, Upgrades). */
export const INFERENCE_SCHEMAS: ServiceSchemas = {
  versions: 'inference_schema_versions',
  lockBucket: 'hallwatch_incident_locks',
  collections: [
    { collection: 'monitor_states', migrations: [] },
    {
      collection: 'presence_intervals',
      migrations: [
        { id: 'presence-interval-keys', description: 'each interval gets its window and start as _id', up: keyPresenceIntervals },
      ],
    },
    { collection: 'incidents', migrations: [] },
    { collection: 'evidence_views', migrations: [] },
    { collection: 'incident_tombstones', migrations: [] },
    { collection: 'inference_leaves', migrations: [] },
    // GridFS: its files collection stands for the bucket (chunks follow their files).
    { collection: 'evidence.files', migrations: [] },
  ],
};
