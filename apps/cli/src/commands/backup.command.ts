import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { Command } from 'commander';
import type { BackupFile, BackupManifest, StreamPosition } from '@hallwatch/domain';
import { BackupStores, bucketEntries, bucketNames, KV_STREAM_PREFIX, streamsNow, withBackupStores } from './backup-stores';

/** A progress line every this many documents of one collection. */
const PROGRESS_EVERY = 10_000;
const NANOS_PER_MS = 1_000_000;

/**
 * `hallwatch backup DIR`: while the services run, the position of every durable consumer (its ack
 * floor: what it stored), then every collection of every service's database (GridFS buckets are
 * their `.files` and `.chunks` collections), the KV buckets but leases and locks, and
 * DIR/manifest.json (time, versions, counts, each file's SHA-256). The positions come first: what
 * is acknowledged after them is replayed by a restore, and every consumer counts a replayed
 * message once. The dead letters go to DIR/deadletters.jsonl.
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy every database, KV bucket and stream position to DIR, with a manifest (services may run)')
    .argument('<dir>', 'a new or empty directory')
    .action(async (dir: string) => {
      const target = path.resolve(dir);
      if (fs.existsSync(target) && (!fs.statSync(target).isDirectory() || fs.readdirSync(target).length > 0))
        throw new Error(`backup: ${target} exists and is not an empty directory; give a new one`);
      fs.mkdirSync(target, { recursive: true });
      const { MANIFEST_FILE, BACKUP_FORMAT, isWorkBucket } = await import('@hallwatch/domain');
      const startedAt = new Date();
      await withBackupStores(async (stores) => {
        const streams = await streamPositions(stores);
        console.log(`backup: ${streams.length} stream position(s) recorded`);
        const files: BackupFile[] = [await writeDeadLetters(target, stores)];
        for (const { name, db } of stores.databases) {
          const collections = (await db.listCollections({}, { nameOnly: true }).toArray())
            .map((c) => c.name)
            .filter((c) => !c.startsWith('system.'))
            .sort(gridFsFilesFirst);
          for (const collection of collections) {
            const file = await writeLines(target, path.join('db', name, `${collection}.jsonl`), db.collection(collection).find(), (d) =>
              stores.ejson.stringify(d, { relaxed: false }),
            );
            const indexes = (await db.collection(collection).listIndexes().toArray()).filter((i) => i.name !== '_id_');
            files.push(
              file,
              await writeLines(target, path.join('db', name, `${collection}.indexes.jsonl`), indexes, (i) =>
                stores.ejson.stringify(i, { relaxed: false }),
              ),
            );
            console.log(`backup: ${name}.${collection}: ${file.count} document(s)`);
          }
        }
        const buckets: BackupManifest['buckets'] = [];
        for (const bucket of (await bucketNames(stores.jsm)).filter((b) => !isWorkBucket(b))) {
          const config = (await stores.jsm.streams.info(`${KV_STREAM_PREFIX}${bucket}`)).config;
          const entries = await bucketEntries(stores.nc, bucket);
          files.push(
            await writeLines(target, path.join('kv', `${bucket}.jsonl`), entries, (e) =>
              JSON.stringify({ key: e.key, value: Buffer.from(e.value).toString('base64') }),
            ),
          );
          buckets.push({ name: bucket, history: config.max_msgs_per_subject, ttlMs: Math.round(config.max_age / NANOS_PER_MS) });
          console.log(`backup: KV ${bucket}: ${entries.length} key(s)`);
        }
        const manifest: BackupManifest = {
          format: BACKUP_FORMAT,
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          versions: { ...stores.versions, node: process.version },
          databases: stores.databases.map((d) => d.name),
          files,
          streams,
          buckets,
        };
        fs.writeFileSync(path.join(target, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
        const documents = files
          .filter((f) => f.path.startsWith('db') && !f.path.endsWith('.indexes.jsonl'))
          .reduce((n, f) => n + f.count, 0);
        console.log(
          `backup: ${documents} document(s) of ${stores.databases.length} database(s), ${buckets.length} KV bucket(s), ${streams.length} stream(s) in ${target} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s)`,
        );
      });
    });
}

/** Each stream (KV buckets' aside) with its durable consumers' ack floors. */
async function streamPositions({ jsm }: BackupStores): Promise<StreamPosition[]> {
  return [...(await streamsNow(jsm))]
    .map(([name, now]) => ({
      name,
      created: now.created,
      firstSeq: now.firstSeq,
      lastSeq: now.lastSeq,
      consumers: now.consumers.map(({ name, ackFloor, config }) => ({ name, ackFloor, config })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The dead letters (HALLWATCH_DEADLETTER), each with where it came from, why, when, and its message (base64). */
async function writeDeadLetters(dir: string, { nc }: BackupStores): Promise<BackupFile> {
  const [{ listDeadLetters }, { DEAD_LETTERS_FILE }] = await Promise.all([import('@hallwatch/runtime'), import('@hallwatch/domain')]);
  const letters = await listDeadLetters(nc);
  const file = await writeLines(dir, DEAD_LETTERS_FILE, letters, (l) =>
    JSON.stringify({ ...l, at: l.at.toISOString(), data: Buffer.from(l.data).toString('base64') }),
  );
  console.log(`backup: ${file.count} dead letter(s)`);
  return file;
}

/** GridFS writes a file's chunks before its `.files` document: copying the `.files` first, every file copied has its chunks. */
function gridFsFilesFirst(a: string, b: string): number {
  const key = (c: string) => c.replace(/\.files$/, '.a').replace(/\.chunks$/, '.b');
  return key(a).localeCompare(key(b));
}

/** Writes one line per item to DIR/file, hashing as it goes; a progress line every PROGRESS_EVERY. */
async function writeLines<T>(
  dir: string,
  file: string,
  items: AsyncIterable<T> | Iterable<T>,
  line: (item: T) => string,
): Promise<BackupFile> {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  const out = fs.createWriteStream(path.join(dir, file));
  const hash = createHash('sha256');
  let count = 0;
  for await (const item of items) {
    const text = `${line(item)}\n`;
    hash.update(text);
    if (!out.write(text)) await once(out, 'drain');
    if (++count % PROGRESS_EVERY === 0) console.log(`backup: ${file}: ${count} ...`);
  }
  out.end();
  await once(out, 'finish');
  return { path: file.split(path.sep).join('/'), count, sha256: hash.digest('hex') };
}
