import type { LoggerService } from '@nestjs/common';
import { CollectionPlan, CollectionSchema, planMigrations, StoredSchema } from '@hallwatch/domain';
import type { mongo } from 'mongoose';
import { KvMutex, LockHold } from './kv-mutex';
import type { NatsAdapter } from './nats-adapter';
import type { ServiceContext } from './service';

/**
 * A migration's work on its collection (`db` for a collection of its own to stage in); idempotent
 * (a crash before its version is recorded runs it again), checking `hold` before each write.
 */
export type MigrationUp = (collection: mongo.Collection, hold: LockHold, db: mongo.Db) => Promise<void>;

/** A service's collections, their migrations, where their versions are recorded, and the lock bucket its instances migrate under. */
export interface ServiceSchemas {
  /** The service's own collection of schema versions, one row per collection (`<service>_schema_versions`). */
  versions: string;
  lockBucket: string;
  collections: readonly CollectionSchema<MigrationUp>[];
}

/** The key of the migration lock in the service's bucket. */
const MIGRATION_KEY = 'schema-migrations';
/** How long an instance waits for another's migrations before it gives up starting. */
const MIGRATION_WAIT_MS = 30 * 60_000;

interface SchemaVersionDoc {
  _id: string;
  version: number;
  updatedAt: Date;
  updatedBy: string;
  /** Each migration run on the collection: which, when, by which instance. */
  applied?: { id: string; from: number; to: number; at: Date; by: string }[];
}

/** The rows of a service's `<service>_schema_versions` (one per collection). */
export class SchemaVersionsRepository {
  private readonly versions: mongo.Collection<SchemaVersionDoc>;

  constructor(
    private readonly db: mongo.Db,
    collection: string,
  ) {
    this.versions = db.collection<SchemaVersionDoc>(collection);
  }

  /** Each collection's recorded version and whether it holds documents. */
  async stored(collections: readonly string[]): Promise<StoredSchema[]> {
    const docs = await this.versions.find({ _id: { $in: [...collections] } }).toArray();
    const versions = new Map(docs.map((d) => [d._id, d.version]));
    return Promise.all(
      collections.map(async (collection) => ({
        collection,
        version: versions.get(collection),
        empty: (await this.db.collection(collection).findOne({}, { projection: { _id: 1 } })) === null,
      })),
    );
  }

  /** Records `collection` at `version`, with the migration that brought it there when one did. */
  async record(collection: string, version: number, by: string, migration?: { id: string; from: number }): Promise<void> {
    const at = new Date();
    await this.versions.updateOne(
      { _id: collection },
      {
        $set: { version, updatedAt: at, updatedBy: by },
        ...(migration && { $push: { applied: { id: migration.id, from: migration.from, to: version, at, by } } }),
      },
      { upsert: true },
    );
  }
}

/** The migrations still to run on `db` per collection (throws SchemaTooNew for data newer than known). */
export async function pendingMigrations(db: mongo.Db, schemas: ServiceSchemas): Promise<CollectionPlan<MigrationUp>[]> {
  const stored = await new SchemaVersionsRepository(db, schemas.versions).stored(schemas.collections.map((c) => c.collection));
  return planMigrations(schemas.collections, stored);
}

/**
 * Brings the service's collections to the versions this code knows, before it handles anything:
 * refuses (SchemaTooNew) data newer than that, and runs the pending migrations in order under the
 * service's migration lock, so one instance migrates while the others wait and then find nothing
 * left. Each migration is logged, and recorded in the service's schema versions once done.
 */
export async function migrateAtStart(
  db: mongo.Db,
  schemas: ServiceSchemas,
  ctx: ServiceContext,
  nats: NatsAdapter,
  log: LoggerService,
): Promise<void> {
  // Refused before waiting for the lock: newer data is a reason not to start at all.
  await pendingMigrations(db, schemas);
  const versions = new SchemaVersionsRepository(db, schemas.versions);
  const by = ctx.env.instance;
  const mutex = new KvMutex(schemas.lockBucket, nats, by, (_key, why) =>
    log.warn?.(`migration lock lost (${why}): the migration stops; the next start runs it again`),
  );
  try {
    await mutex.run(
      MIGRATION_KEY,
      async (hold) => {
        let ran = 0;
        for (const plan of await pendingMigrations(db, schemas)) {
          for (const m of plan.migrations) {
            log.log(`migrating ${m.collection} from schema version ${m.from} to ${m.to}: ${m.id} (${m.description})`);
            hold.check();
            await m.up(db.collection(m.collection), hold, db);
            hold.check();
            await versions.record(m.collection, m.to, by, m);
            ran++;
          }
          if (plan.migrations.length === 0 && plan.stored !== plan.version) {
            hold.check();
            await versions.record(plan.collection, plan.version, by);
          }
        }
        log.log(ran > 0 ? `schema migrated: ${ran} migration(s) run` : 'schema up to date: no migration to run');
      },
      MIGRATION_WAIT_MS,
    );
  } finally {
    await mutex.close();
  }
}
