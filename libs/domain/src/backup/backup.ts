/**
 * Backups (`hallwatch backup DIR`, `hallwatch restore DIR`): the manifest, its checksums, and what
 * a restore can replay from the streams. Pure: the CLI reads and writes the files and NATS.
 */

/** The manifest's own name in a backup directory. */
export const MANIFEST_FILE = 'manifest.json';
/** The layout this code writes and reads; a restore refuses any other. */
export const BACKUP_FORMAT = 1;

/**
 * Key-value buckets of leases and locks: who works on what right now. A backup leaves them out,
 * since restored ones would name instances that are gone (they expire on their own anyway).
 */
export function isWorkBucket(bucket: string): boolean {
  return /_(leases|locks?)$/.test(bucket);
}

/** One file of a backup: its path inside DIR, how many records it holds, its SHA-256 (hex). */
export interface BackupFile {
  path: string;
  count: number;
  sha256: string;
}

/** A durable consumer at backup time: everything up to `ackFloor` (a stream sequence) is in the databases. */
export interface ConsumerPosition {
  name: string;
  ackFloor: number;
  /** Its configuration, to make it again (filter subject, deliver policy, ...). */
  config: Record<string, unknown>;
}

/** A stream at backup time. `created` tells this stream from one deleted and made again. */
export interface StreamPosition {
  name: string;
  created: string;
  firstSeq: number;
  lastSeq: number;
  consumers: ConsumerPosition[];
}

export interface BackupManifest {
  format: number;
  /** When the copy started (ISO); the recovery point without the streams. */
  startedAt: string;
  finishedAt: string;
  versions: { hallwatch: string; node: string; database?: string; nats?: string };
  /** Each database copied (one per service when they have their own), by name. */
  databases: string[];
  files: BackupFile[];
  streams: StreamPosition[];
  /** The KV buckets copied (leases and locks left out: isWorkBucket), with what makes them again. */
  buckets: { name: string; history: number; ttlMs: number }[];
}

/** Why a manifest read from disk is not one this code can restore; undefined when it is. */
export function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `${MANIFEST_FILE} is not a JSON object`;
  const m = value as Partial<BackupManifest>;
  if (m.format !== BACKUP_FORMAT) return `${MANIFEST_FILE}: format ${String(m.format)}, this version reads format ${BACKUP_FORMAT}`;
  if (!Array.isArray(m.files) || !Array.isArray(m.streams) || !Array.isArray(m.databases) || !Array.isArray(m.buckets))
    return `${MANIFEST_FILE}: files, streams, databases and buckets must be lists`;
  for (const f of m.files) {
    if (typeof f?.path !== 'string' || f.path.startsWith('/') || f.path.split('/').includes('..'))
      return `${MANIFEST_FILE}: a file path must be relative and inside the backup (${JSON.stringify(f?.path)})`;
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) return `${MANIFEST_FILE}: ${f.path} has no SHA-256`;
  }
  return undefined;
}

/**
 * Each file whose SHA-256 on disk (`actual`, by path; missing: undefined) is not the manifest's,
 * one line per file naming it. Empty: the backup is whole.
 */
export function checksumMismatches(files: readonly BackupFile[], actual: ReadonlyMap<string, string | undefined>): string[] {
  return files.flatMap((f) => {
    const sha = actual.get(f.path);
    if (sha === undefined) return [`${f.path}: missing`];
    return sha === f.sha256 ? [] : [`${f.path}: SHA-256 ${sha} is not the manifest's ${f.sha256}`];
  });
}

/** A stream as the server holds it at restore time. */
export interface StreamNow {
  created: string;
  firstSeq: number;
  lastSeq: number;
  /** Its durable consumers now, with their configuration. */
  consumers: { name: string; config: Record<string, unknown> }[];
}

/** A durable consumer to make again so that it delivers from `startSeq` on. */
export interface ConsumerReset {
  stream: string;
  consumer: string;
  startSeq: number;
  config: Record<string, unknown>;
}

/** Records a consumer had not acknowledged at backup time and that the stream no longer holds. */
export interface LostRecords {
  stream: string;
  consumer: string;
  /** First and last lost stream sequence; `to` undefined: every message after `from` - 1 (the stream was wiped). */
  from: number;
  to?: number;
  why: string;
}

export interface ReplayPlan {
  resets: ConsumerReset[];
  lost: LostRecords[];
}

/**
 * What a restore does with each durable consumer: made again to deliver from its ack floor at
 * backup time + 1, so everything the streams still hold after the backup's position is replayed
 * into the restored databases; where the stream no longer holds that (its first sequence is past
 * it, or it was deleted or made again), what is lost. A stream made again is not replayed from: its
 * sequences are not the backup's; its consumers start anew when their service starts. A consumer
 * or stream made since the backup replays what came after it: everything its stream held after the
 * backup's last message, or everything of a stream the backup did not know.
 */
export function replayPlan(backup: readonly StreamPosition[], now: ReadonlyMap<string, StreamNow | undefined>): ReplayPlan {
  const plan: ReplayPlan = { resets: [], lost: [] };
  const reset = (stream: string, consumer: string, next: number, current: StreamNow, config: Record<string, unknown>) => {
    if (current.firstSeq > next)
      plan.lost.push({
        stream,
        consumer,
        from: next,
        to: current.firstSeq - 1,
        why: `the stream's first message is now #${current.firstSeq} (the older ones expired or were purged)`,
      });
    plan.resets.push({ stream, consumer, startSeq: Math.max(next, current.firstSeq), config });
  };
  for (const stream of backup) {
    const current = now.get(stream.name);
    const same = current !== undefined && current.created === stream.created;
    for (const c of stream.consumers) {
      if (same) reset(stream.name, c.name, c.ackFloor + 1, current, c.config);
      // Nothing after the ack floor can be read back; whether anything was there is unknowable.
      else
        plan.lost.push({
          stream: stream.name,
          consumer: c.name,
          from: c.ackFloor + 1,
          why: current ? 'the stream was deleted and made again since the backup' : 'the stream no longer exists',
        });
    }
    if (!same) continue;
    for (const c of current.consumers)
      if (!stream.consumers.some((b) => b.name === c.name)) reset(stream.name, c.name, stream.lastSeq + 1, current, c.config);
  }
  for (const [name, current] of now) {
    if (!current || backup.some((b) => b.name === name)) continue;
    for (const c of current.consumers) reset(name, c.name, 1, current, c.config);
  }
  return plan;
}

/** One line for a restore's report. */
export function describeLost(l: LostRecords): string {
  const range = l.to === undefined ? `every message after #${l.from - 1}` : `messages #${l.from}-#${l.to} (${l.to - l.from + 1})`;
  return `lost: ${l.stream} for consumer ${l.consumer}: ${range}: ${l.why}`;
}
