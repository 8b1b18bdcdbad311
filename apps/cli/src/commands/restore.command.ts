import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Command } from 'commander';
import type { BackupManifest } from '@hallwatch/domain';
import { BackupStores, bucketNames, streamsNow, withBackupStores } from './backup-stores';

/** Documents inserted per round trip. */
const INSERT_BATCH = 1000;
/** A progress line every this many documents of one collection. */
const PROGRESS_EVERY = 10_000;

/**
 * `hallwatch restore DIR` (every service stopped): checks the manifest and each file's SHA-256,
 * makes every database exactly the backup's, puts the KV buckets' keys back (keys made since, such
 * as tokens revoked since, are kept), and makes each durable consumer again at its backup
 * position + 1, so that at start each service replays what its streams hold after the backup; the
 * dead letters the dead-letter stream lacks are put back.
 * Ends with what cannot be replayed (replayPlan), or that nothing a stream carries is lost, then
 * each collection no stream brings up to date (unreplayedCollections), with its count in the backup.
 */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description('restore a backup of `hallwatch backup DIR` (services stopped); their streams replay what came after it at start')
    .argument('<dir>', 'a directory written by `hallwatch backup`')
    .action(async (dir: string) => {
      const source = path.resolve(dir);
      const manifest = await verifiedManifest(source);
      console.log(
        `restore: backup of ${manifest.startedAt} (Hallwatch ${manifest.versions.hallwatch}) verified: ${manifest.files.length} file(s)`,
      );
      await withBackupStores(async (stores) => {
        await refuseWhileRunning(stores);
        await restoreDatabases(source, manifest, stores);
        await restoreBuckets(source, manifest, stores);
        await restoreDeadLetters(source, manifest, stores);
        await resetConsumers(manifest, stores);
      });
      await reportUnreplayed(manifest);
    });
}

/** The manifest of DIR once it is one this version reads and every file's SHA-256 matches it; else an error naming what is wrong. */
async function verifiedManifest(dir: string): Promise<BackupManifest> {
  const { MANIFEST_FILE, manifestProblem, checksumMismatches } = await import('@hallwatch/domain');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`restore: ${dir} is not a directory`);
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new Error(`restore: ${dir} holds no ${MANIFEST_FILE}: not a backup of \`hallwatch backup\``);
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`restore: ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const problem = manifestProblem(manifest);
  if (problem) throw new Error(`restore: ${problem}`);
  const m = manifest as BackupManifest;
  const actual = new Map<string, string | undefined>();
  for (const f of m.files) actual.set(f.path, await sha256OfFile(path.join(dir, f.path)));
  const bad = checksumMismatches(m.files, actual);
  if (bad.length > 0) throw new Error(`restore: the backup does not match its manifest, nothing restored:\n  ${bad.join('\n  ')}`);
  return m;
}

async function sha256OfFile(file: string): Promise<string | undefined> {
  if (!fs.existsSync(file)) return undefined;
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Refuses while a service runs: a lease or an instance announced in a lease bucket (ingestion,
 * inference), or a pull waiting on a durable consumer (every consuming service). Both outlive a
 * stopped process by seconds, so this waits for them to go before refusing.
 */
async function refuseWhileRunning({ nc, jsm }: BackupStores): Promise<void> {
  const { LEASE_TTL_MS } = await import('@hallwatch/runtime');
  const { isWorkBucket } = await import('@hallwatch/domain');
  const deadline = Date.now() + LEASE_TTL_MS + 5000;
  for (let said = false; ; said = true) {
    const signs: string[] = [];
    for (const bucket of (await bucketNames(jsm)).filter((b) => isWorkBucket(b) && b.endsWith('_leases'))) {
      const kv = await nc.jetstream().views.kv(bucket, { bindOnly: true });
      for await (const key of await kv.keys()) signs.push(`${bucket} holds ${key}`);
    }
    for (const [stream, s] of await streamsNow(jsm))
      for (const c of s.consumers) if (c.waiting > 0) signs.push(`consumer ${stream}/${c.name} is being read`);
    if (signs.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `restore: the services are running (${signs.slice(0, 3).join('; ')}${signs.length > 3 ? '; ...' : ''}): stop every ingestion, inference, reporting and gateway first`,
      );
    if (!said)
      console.log(`restore: waiting up to ${Math.round((deadline - Date.now()) / 1000)} s for the services to be gone (${signs[0]})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Each database exactly as the backup holds it: collections it lacks are dropped, each of its own refilled with its indexes. */
async function restoreDatabases(dir: string, manifest: BackupManifest, { databases, ejson }: BackupStores): Promise<void> {
  for (const name of manifest.databases) {
    const db = databases.find((d) => d.name === name)?.db;
    if (!db)
      throw new Error(
        `restore: the backup holds database ${name}, which no service uses now (${databases.map((d) => d.name).join(', ')}); check MONGODB_URI and HALLWATCH_<SERVICE>_MONGODB_URI`,
      );
    for (const c of await db.listCollections({}, { nameOnly: true }).toArray())
      if (!c.name.startsWith('system.')) await db.dropCollection(c.name);
    const prefix = `db/${name}/`;
    for (const file of manifest.files.filter((f) => f.path.startsWith(prefix) && !f.path.endsWith('.indexes.jsonl'))) {
      const collection = file.path.slice(prefix.length, -'.jsonl'.length);
      await db.createCollection(collection);
      let batch: object[] = [];
      let count = 0;
      for await (const line of lines(path.join(dir, file.path))) {
        batch.push(ejson.parse(line, { relaxed: false }) as object);
        if (batch.length === INSERT_BATCH) {
          await db.collection(collection).insertMany(batch as never[], { ordered: true });
          batch = [];
        }
        if (++count % PROGRESS_EVERY === 0) console.log(`restore: ${name}.${collection}: ${count} of ${file.count} ...`);
      }
      if (batch.length > 0) await db.collection(collection).insertMany(batch as never[], { ordered: true });
      for await (const line of lines(path.join(dir, `${prefix}${collection}.indexes.jsonl`))) {
        const {
          key,
          v: _v,
          ns: _ns,
          ...options
        } = ejson.parse(line, { relaxed: false }) as { key: Record<string, never>; v?: unknown; ns?: unknown };
        await db.collection(collection).createIndex(key, options);
      }
      console.log(`restore: ${name}.${collection}: ${count} document(s)`);
    }
  }
}

/** Puts each bucket's keys back as the backup holds them, made first if missing; keys made since are kept. */
async function restoreBuckets(dir: string, manifest: BackupManifest, { nc }: BackupStores): Promise<void> {
  const replicas = (await import('@hallwatch/config')).readEnv().streamReplicas;
  for (const bucket of manifest.buckets) {
    const kv = await nc.jetstream().views.kv(bucket.name, { history: bucket.history, ttl: bucket.ttlMs, replicas });
    let count = 0;
    for await (const line of lines(path.join(dir, 'kv', `${bucket.name}.jsonl`))) {
      const { key, value } = JSON.parse(line) as { key: string; value: string };
      await kv.put(key, Buffer.from(value, 'base64'));
      count++;
    }
    console.log(`restore: KV ${bucket.name}: ${count} key(s)`);
  }
}

/** Makes each durable consumer again at its backup position + 1 (replayPlan), then reports what is lost. */
async function resetConsumers(manifest: BackupManifest, { jsm }: BackupStores): Promise<void> {
  const { replayPlan, describeLost } = await import('@hallwatch/domain');
  const { DeliverPolicy } = await import('nats');
  const now = await streamsNow(jsm);
  const plan = replayPlan(manifest.streams, now);
  for (const r of plan.resets) {
    await jsm.consumers.delete(r.stream, r.consumer).catch(() => undefined);
    const { opt_start_time: _time, ...config } = r.config;
    await jsm.consumers.add(r.stream, { ...config, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: r.startSeq });
    const held = Math.max(0, (now.get(r.stream)?.lastSeq ?? 0) - r.startSeq + 1);
    console.log(`restore: consumer ${r.stream}/${r.consumer} replays from #${r.startSeq} at start (${held} message(s))`);
  }
  for (const l of plan.lost) console.log(`restore: ${describeLost(l)}`);
  console.log(
    plan.lost.length === 0
      ? 'restore: done; nothing lost that a stream carries (every stream still holds what came after the backup)'
      : `restore: done; ${plan.lost.length} consumer(s) cannot replay what came after the backup (listed above): that is lost`,
  );
}

/** Puts back the backup's dead letters the dead-letter stream lacks (deadLettersToRestore); a backup without them (an older one) has none to put back. */
async function restoreDeadLetters(dir: string, manifest: BackupManifest, { nc, jsm, ensureStream }: BackupStores): Promise<void> {
  const [{ DEAD_LETTERS_FILE, deadLettersToRestore }, { listDeadLetters, publishDeadLetter }, { Streams }] = await Promise.all([
    import('@hallwatch/domain'),
    import('@hallwatch/runtime'),
    import('@hallwatch/contracts'),
  ]);
  if (!manifest.files.some((f) => f.path === DEAD_LETTERS_FILE)) return;
  const letters: { stream: string; consumer: string; subject: string; sequence: number; reason: string; data: string }[] = [];
  for await (const line of lines(path.join(dir, DEAD_LETTERS_FILE))) letters.push(JSON.parse(line) as (typeof letters)[number]);
  const name = Streams.deadLetters.name;
  const before = manifest.streams.find((s) => s.name === name);
  const now = (await streamsNow(jsm)).get(name);
  const plan = deadLettersToRestore(letters, before !== undefined && before.created === now?.created, now ? await listDeadLetters(nc) : []);
  if (plan.putBack.length > 0) await ensureStream(Streams.deadLetters);
  for (const l of plan.putBack) await publishDeadLetter(nc.jetstream(), { ...l, data: Buffer.from(l.data, 'base64') });
  const gone = plan.gone > 0 ? `; ${plan.gone} gone from it since the backup (replayed or expired), not put back` : '';
  console.log(`restore: dead letters: ${plan.putBack.length} put back into ${name}, ${plan.held} still there${gone}`);
}

/** The collections no stream (or only partly) brings up to date: what was written to them after the backup is not back. */
async function reportUnreplayed(manifest: BackupManifest): Promise<void> {
  const { unreplayedCollections, describeUnreplayed } = await import('@hallwatch/domain');
  const unreplayed = unreplayedCollections(manifest);
  if (unreplayed.length === 0) return;
  console.log(
    `restore: no stream (or only part of their writes) carries the following: what they got after the backup of ${manifest.startedAt} and no stream holds is gone; enter it again`,
  );
  for (const u of unreplayed) console.log(`restore: ${describeUnreplayed(u, manifest.startedAt)}`);
}

function lines(file: string): AsyncIterable<string> {
  return readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
}
