/**
 * Schema versions and the migrations between them, per collection. A collection's version 1 is
 * its shape before versions were recorded; each migration of its list raises it by one, so its
 * current version is 1 + the number of migrations. `Up` is whatever the service's migration runs
 * (a function of a database collection there); nothing here touches a database.
 */
export interface Migration<Up> {
  /** Unique among all migrations, kept in the log of each collection it ran on. */
  id: string;
  description: string;
  up: Up;
}

/** One collection and its migrations, oldest first. */
export interface CollectionSchema<Up> {
  collection: string;
  migrations: readonly Migration<Up>[];
}

/** What the database says of a collection: its recorded version (none yet) and whether it holds documents. */
export interface StoredSchema {
  collection: string;
  version?: number;
  empty: boolean;
}

/** A migration still to run: it takes `collection` from version `from` to `to`. */
export interface PendingMigration<Up> extends Migration<Up> {
  collection: string;
  from: number;
  to: number;
}

/** What to do for one collection: the migrations to run, then record `version` (unless `stored` already is). */
export interface CollectionPlan<Up> {
  collection: string;
  /** The version recorded in the database; none yet. */
  stored?: number;
  version: number;
  migrations: PendingMigration<Up>[];
}

/** The database holds a collection at a version newer than this code knows: it must not start. */
export class SchemaTooNew extends Error {
  constructor(
    readonly collection: string,
    readonly stored: number,
    readonly known: number,
  ) {
    super(
      `collection ${collection} is at schema version ${stored}, newer than this version of Hallwatch knows (${known}); ` +
        `run the release that wrote it, or a later one`,
    );
  }
}

export function currentVersion(schema: CollectionSchema<unknown>): number {
  return schema.migrations.length + 1;
}

/** Throws unless every collection is listed once and every migration id is unique. */
export function assertSchemas(schemas: readonly CollectionSchema<unknown>[]): void {
  const collections = new Set<string>();
  const ids = new Set<string>();
  for (const schema of schemas) {
    if (collections.has(schema.collection)) throw new Error(`collection ${schema.collection} is listed twice`);
    collections.add(schema.collection);
    for (const m of schema.migrations) {
      if (ids.has(m.id)) throw new Error(`migration id ${m.id} is used twice`);
      ids.add(m.id);
    }
  }
}

/**
 * For each collection, the migrations that take it from its stored version to the current one.
 * A collection without a recorded version is at version 1 when it holds documents (written
 * before versions were recorded) and current when it is empty (a new database: nothing to
 * migrate). Throws SchemaTooNew for the first collection stored at a version newer than known.
 */
export function planMigrations<Up>(schemas: readonly CollectionSchema<Up>[], stored: readonly StoredSchema[]): CollectionPlan<Up>[] {
  assertSchemas(schemas);
  const byCollection = new Map(stored.map((s) => [s.collection, s]));
  return schemas.map((schema) => {
    const known = currentVersion(schema);
    const found = byCollection.get(schema.collection);
    if (found?.version !== undefined && !(Number.isInteger(found.version) && found.version >= 1))
      throw new Error(`collection ${schema.collection}: recorded schema version ${String(found.version)} is not a whole number from 1`);
    const from = found?.version ?? (found && !found.empty ? 1 : known);
    if (from > known) throw new SchemaTooNew(schema.collection, from, known);
    const migrations = schema.migrations
      .map((m, i) => ({ ...m, collection: schema.collection, from: i + 1, to: i + 2 }))
      .filter((m) => m.from >= from);
    return { collection: schema.collection, stored: found?.version, version: known, migrations };
  });
}
