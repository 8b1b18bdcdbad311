import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JetStreamManager, KvEntry, NatsConnection } from 'nats';
import type { mongo } from 'mongoose';
import type { StreamDefinition } from '@hallwatch/contracts';
import type { StreamNow } from '@hallwatch/domain';

/** A KV bucket's stream: `KV_<bucket>`. */
export const KV_STREAM_PREFIX = 'KV_';

/** What `hallwatch backup` and `hallwatch restore` work on: every service's database, and NATS. */
export interface BackupStores {
  /** Each database a service uses, by name, through the CLI's connection. */
  databases: { name: string; db: mongo.Db }[];
  nc: NatsConnection;
  jsm: JetStreamManager;
  versions: { hallwatch: string; database?: string; nats?: string };
  /** Canonical Extended JSON: keeps each value's BSON type (dates, binary chunks, 64-bit numbers). */
  ejson: typeof mongo.BSON.EJSON;
  /** Makes a stream when missing, as the services do (their limits and replicas). */
  ensureStream: (stream: StreamDefinition) => Promise<void>;
}

/**
 * Opens the databases of every service (their connection strings name them; the CLI's user,
 * HALLWATCH_CLI_MONGODB_URI else MONGODB_URI, reads and writes them, so it needs MongoDB's
 * `backup` and `restore` roles) and NATS as the CLI, starting the embedded servers when unset,
 * and closes them after `work`.
 */
export async function withBackupStores<T>(work: (stores: BackupStores) => Promise<T>): Promise<T> {
  const [config, runtime, { default: mongoose }] = await Promise.all([
    import('@hallwatch/config'),
    import('@hallwatch/runtime'),
    import('mongoose'),
  ]);
  const env = config.readEnv();
  const store = await runtime.ensureFerretDb(config.mongodbUriFor(env, 'cli'), env.dataDir);
  const nats = await runtime.ensureNats(env.natsUrl, env.dataDir);
  const client = await new mongoose.mongo.MongoClient(store.url).connect();
  const adapter = new runtime.NatsAdapter(
    {
      natsUrl: nats.url,
      name: 'cli-backup',
      replicas: env.streamReplicas,
      auth: config.natsAuth(env.nats, 'cli'),
      connect: { maxReconnectAttempts: 0 },
    },
    { log: () => undefined, warn: (m) => console.error(m) },
  );
  try {
    const names = new Set(config.METRICS_SERVICES.map((s) => config.databaseNameOf(config.mongodbUriFor(env, s) ?? store.url)));
    const databases = [...names].sort().map((name) => ({ name, db: client.db(name) }));
    const nc = await adapter.connection();
    const build = (await client
      .db(databases[0].name)
      .command({ buildInfo: 1 })
      .catch(() => undefined)) as { version?: string } | undefined;
    const hallwatch = (JSON.parse(fs.readFileSync(path.join(config.PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    return await work({
      databases,
      nc,
      jsm: await nc.jetstreamManager(),
      versions: { hallwatch, database: build?.version, nats: nc.info?.version },
      ejson: mongoose.mongo.BSON.EJSON,
      ensureStream: (stream) => adapter.ensureStream(stream),
    });
  } finally {
    await adapter.close();
    await client.close();
    nats.process?.kill('SIGTERM');
    store.process?.kill('SIGTERM');
  }
}

/** A durable consumer as the server holds it now: its position, and the pulls waiting on it (a service consuming). */
export interface ConsumerNow {
  name: string;
  config: Record<string, unknown>;
  ackFloor: number;
  waiting: number;
}

export type StreamHeld = Omit<StreamNow, 'consumers'> & { consumers: ConsumerNow[] };

/** Every stream that is not a KV bucket's, as the server holds it now, with its durable consumers. */
export async function streamsNow(jsm: JetStreamManager): Promise<Map<string, StreamHeld>> {
  const now = new Map<string, StreamHeld>();
  for (const info of await jsm.streams.list().next()) {
    const name = info.config.name;
    if (name.startsWith(KV_STREAM_PREFIX)) continue;
    const consumers = (await jsm.consumers.list(name).next())
      .filter((c) => c.config.durable_name)
      .map((c) => ({
        name: c.name,
        config: c.config as unknown as Record<string, unknown>,
        ackFloor: c.ack_floor.stream_seq,
        waiting: c.num_waiting,
      }));
    now.set(name, { created: info.created, firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, consumers });
  }
  return now;
}

/** The names of the KV buckets on the server. */
export async function bucketNames(jsm: JetStreamManager): Promise<string[]> {
  const names: string[] = [];
  for (const info of await jsm.streams.list().next())
    if (info.config.name.startsWith(KV_STREAM_PREFIX)) names.push(info.config.name.slice(KV_STREAM_PREFIX.length));
  return names.sort();
}

/** The live entries of a bucket (deleted and purged keys left out). */
export async function bucketEntries(nc: NatsConnection, bucket: string): Promise<KvEntry[]> {
  const kv = await nc.jetstream().views.kv(bucket, { bindOnly: true });
  const entries: KvEntry[] = [];
  for await (const key of await kv.keys()) {
    const e = await kv.get(key);
    if (e && e.operation === 'PUT') entries.push(e);
  }
  return entries;
}
