import { randomBytes } from 'node:crypto';
import type { NatsAuth } from '@hallwatch/config';
import { KvLeases, LEASE_TTL_MS, leaseInstanceName } from './leases';

/**
 * Mutual exclusion across processes, per key, on leases of a JetStream key-value bucket: a holder
 * renews while it works, and a crashed holder's key expires after LEASE_TTL_MS. For read-modify-
 * write sequences that the database cannot make atomic (FerretDB 1.24 applies every update, even
 * a conditional one, as a read then a whole-document write; only inserts are atomic there).
 */
export class KvMutex {
  private readonly leases: KvLeases;
  /** Unique per process, so two processes under one instance name never share a key. */
  private readonly owner: string;
  private opened?: Promise<void>;
  /** Work of this process on one key waits here for its turn, then for the lease. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    bucket: string,
    private readonly natsUrl: string,
    instance: string,
    private readonly onLost: (key: string) => void = () => undefined,
    /** Replicas of the bucket: HALLWATCH_STREAM_REPLICAS, so a lock survives a NATS node like the streams do. */
    replicas = 1,
    private readonly auth?: NatsAuth,
  ) {
    this.leases = new KvLeases(bucket, 'lock', replicas);
    this.owner = leaseInstanceName(`${instance}-${randomBytes(4).toString('hex')}`);
  }

  /** Runs `work` holding `key` (letters, digits, "-" and "_"; others are replaced). */
  run<T>(key: string, work: () => Promise<T>, waitMs = 4 * LEASE_TTL_MS): Promise<T> {
    const id = leaseInstanceName(key);
    const next = (this.queues.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => this.holding(id, work, waitMs));
    this.queues.set(id, next);
    void next.finally(() => this.queues.get(id) === next && this.queues.delete(id)).catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.catch(() => undefined)));
    await this.leases.onApplicationShutdown();
  }

  private async holding<T>(id: string, work: () => Promise<T>, waitMs: number): Promise<T> {
    // A failed open (NATS away, a leader election) is not kept: the next run opens again.
    this.opened ??= this.leases.open(this.natsUrl, `lock-${this.owner}`, this.auth).catch((err: unknown) => {
      this.opened = undefined;
      throw err;
    });
    await this.opened;
    const deadline = Date.now() + waitMs;
    while (!(await this.leases.acquire(id, this.owner))) {
      if (Date.now() > deadline) throw new Error(`lock ${id}: not free within ${waitMs} ms`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
    }
    let renewing: Promise<unknown> = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = this.leases.renew(id, this.owner).then((held) => held || this.onLost(id));
    }, LEASE_TTL_MS / 3);
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      // A renewal in flight changes the revision the release must name.
      await renewing.catch(() => undefined);
      await this.leases.release(id);
    }
  }
}
