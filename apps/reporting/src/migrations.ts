import type { ServiceSchemas } from '@hallwatch/runtime';

/** Reporting's collections and the migrations of each, oldest first (see docs/operations.md, Upgrades). */
export const REPORTING_SCHEMAS: ServiceSchemas = {
  versions: 'reporting_schema_versions',
  lockBucket: 'hallwatch_reporting_lock',
  collections: [
    { collection: 'cases', migrations: [] },
    { collection: 'cards', migrations: [] },
    { collection: 'cases_in_flight', migrations: [] },
    { collection: 'presence_days', migrations: [] },
    { collection: 'queue_days', migrations: [] },
    {
      collection: 'window_days',
      migrations: [
        {
          id: 'window-days-version',
          description: 'window-months written before rollups carried a version get version 1',
          // One updateMany with $exists and $set: both MongoDB 7 and FerretDB 1.24 run it; running it again matches nothing.
          up: async (windowDays) => {
            await windowDays.updateMany({ version: { $exists: false } }, { $set: { version: 1 } });
          },
        },
      ],
    },
    { collection: 'window_months', migrations: [] },
    { collection: 'reporting_incidents', migrations: [] },
    { collection: 'complaints', migrations: [] },
    { collection: 'leaves', migrations: [] },
    { collection: 'away_declarations', migrations: [] },
    // GridFS: its files collection stands for the bucket (chunks follow their files).
    { collection: 'rectification_photos.files', migrations: [] },
    { collection: 'rectification_photo_views', migrations: [] },
    { collection: 'waiting_hours', migrations: [] },
  ],
};
