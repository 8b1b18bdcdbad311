import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { Histogram } from 'prom-client';
import { KvLeases, LEASE_TTL_MS, leaseInstanceName } from './leases';
import type { ServiceMetrics } from './metrics';
import type { NatsAdapter } from './nats-adapter';
import { LockLost, LockUnavailable } from './waiting';

/** What KvMutex needs of its lease store (KvLeases; a fake in unit tests). */
export type MutexLeases = Pick<KvLeases, 'open' | 'acquire' | 'renew' | 'lease' | 'release'>;

/** The lock as its work holds it. */
export interface LockHold {
  /** Throws LockLost once the holder may no longer write under the lock (call it before each write). */
  check(): void;
}

/**
 * A process that held a key this long waits YIELD_MS before taking it again, so holders in other
 * processes, which poll every 5-30 ms, get their turn between the chunks of a bulk import.
 */
const LONG_HOLD_MS = 250;
const YIELD_MS = 100;

/**
 * Mutual exclusion across processes, per key, on leases of a JetStream key-value bucket: a holder
 * renews while it works, and a crashed holder's key expires after LEASE_TTL_MS. For read-modify-
 * write sequences that the database cannot make atomic (FerretDB 1.24 applies every update, even
 * a conditional one, as a read then a whole-document write; only inserts are atomic there).
 *
 * A holder whose renewals fail (NATS unreachable) or whose lease was taken is told so (`onLost`),
 * and every write under the lock is refused (`check`, LockLost) from LEASE_MARGIN_MS before the
 * lease could expire: the holder has stopped writing before the next one can start.
 */
export class KvMutex {
  private readonly leases: MutexLeases;
  /** Unique per process, so two processes under one instance name never share a key. */
  private readonly owner: string;
  private opened?: Promise<void>;
  /** Work of this process on one key waits here for its turn, then for the lease. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** When this process last gave back a key after a long hold. */
  private readonly yieldUntil = new Map<string, number>();
  /** The hold of the work running in this async context. */
  private readonly current = new AsyncLocalStorage<LockHold>();
  private waits?: Histogram<'lock'>;

  constructor(
    private readonly bucket: string,
    /** The process's connection; the bucket gets its replicas (HALLWATCH_STREAM_REPLICAS), so a lock survives a NATS node like the streams do. */
    nats: Pick<NatsAdapter, 'bucket'>,
    instance: string,
    private readonly onLost: (key: string, why: string) => void = () => undefined,
    leases?: MutexLeases,
  ) {
    this.leases = leases ?? new KvLeases(bucket, 'lock', nats);
    this.owner = leaseInstanceName(`${instance}-${randomBytes(4).toString('hex')}`);
  }

  /** From now on, how long each run waited for the lock goes to hallwatch_lock_wait_seconds{lock=<bucket>} of `metrics`. */
  observeWaits(metrics: ServiceMetrics): this {
    this.waits = lockWaitHistogram(metrics);
    return this;
  }

  /** Runs `work` holding `key` (letters, digits, "-" and "_"; others are replaced). */
  run<T>(key: string, work: (hold: LockHold) => Promise<T>, waitMs = 4 * LEASE_TTL_MS): Promise<T> {
    const id = leaseInstanceName(key);
    const calledAt = Date.now();
    const next = (this.queues.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.holding(id, work, waitMs, calledAt));
    this.queues.set(id, next);
    void next.finally(() => this.queues.get(id) === next && this.queues.delete(id)).catch(() => undefined);
    return next;
  }

  /** Throws LockLost unless the calling work (see run) still holds its lock. */
  check(): void {
    const hold = this.current.getStore();
    if (!hold) throw new LockLost('not written: the work does not hold the lock');
    hold.check();
  }

  /** Waits for the work under way (the connection is the process's: its adapter closes it). */
  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.catch(() => undefined)));
  }

  /** `calledAt`: when run was called, so the wait measured includes this process's own queue. */
  private async holding<T>(id: string, work: (hold: LockHold) => Promise<T>, waitMs: number, calledAt: number): Promise<T> {
    // A failed open (NATS away, a leader election) is not kept: the next run opens again.
    this.opened ??= this.leases.open().catch((err: unknown) => {
      this.opened = undefined;
      throw err;
    });
    await this.opened.catch((err: Error) => {
      throw new LockUnavailable(`lock ${id}: the lock bucket cannot be opened: ${err.message}`, { cause: err });
    });
    const courtesy = (this.yieldUntil.get(id) ?? 0) - Date.now();
    if (courtesy > 0) await sleep(courtesy);
    const deadline = Date.now() + waitMs;
    while (!(await this.leases.acquire(id, this.owner))) {
      if (Date.now() > deadline) throw new LockUnavailable(`lock ${id}: not free within ${waitMs} ms`);
      await sleep(5 + Math.random() * 25);
    }
    const heldFrom = Date.now();
    this.waits?.observe({ lock: this.bucket }, (heldFrom - calledAt) / 1000);
    let lost: string | undefined;
    const lose = (why: string) => {
      if (lost !== undefined) return;
      lost = why;
      this.onLost(id, why);
    };
    const hold: LockHold = {
      check: () => {
        if (lost === undefined && !this.leases.lease(id, this.owner)) lose('not renewed in time (NATS unreachable?)');
        if (lost !== undefined) throw new LockLost(`lock ${id} lost while held (${lost}): nothing more is written under it`);
      },
    };
    let renewing: Promise<unknown> | undefined;
    const renewal = setInterval(() => {
      if (renewing || lost !== undefined) return;
      renewing = this.leases
        .renew(id, this.owner)
        .then(
          (held) => held || lose('taken by another holder'),
          // Unknown whether it is still ours: the margin decides (see check), now and at each write.
          () => this.leases.lease(id, this.owner) || lose('not renewed in time (NATS unreachable)'),
        )
        .finally(() => (renewing = undefined));
    }, LEASE_TTL_MS / 3);
    try {
      return await this.current.run(hold, () => work(hold));
    } finally {
      clearInterval(renewal);
      // A renewal in flight changes the revision the release must name.
      await renewing;
      await this.leases.release(id).catch(() => undefined);
      if (Date.now() - heldFrom >= LONG_HOLD_MS) this.yieldUntil.set(id, Date.now() + YIELD_MS);
      else this.yieldUntil.delete(id);
    }
  }
}

/** Time from asking for a KvMutex lock to holding it, per bucket (the services' shared locks). */
function lockWaitHistogram(metrics: ServiceMetrics): Histogram<'lock'> {
  return metrics.histogram({
    name: 'hallwatch_lock_wait_seconds',
    help: 'Time from asking for a shared lock (a KvMutex bucket) to holding it',
    labelNames: ['lock'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
