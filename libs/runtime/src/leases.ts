import { KV, StringCodec } from 'nats';
import type { NatsAdapter } from './nats-adapter';

/** A lease not renewed for this long expires, so a dead instance's work frees up. */
export const LEASE_TTL_MS = 15000;

const codec = StringCodec();
const instanceKey = (instance: string) => `instance.${instance}`;

/** Lease keys are NATS subject tokens: an instance name keeps to safe characters. */
export function leaseInstanceName(instance: string): string {
  return instance.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Work on a lease stops this long before the lease could expire (measured from when the last
 * successful renewal was sent), so a holder whose renewals fail (NATS unreachable, process paused)
 * has stopped before anyone else can take the lease.
 */
export const LEASE_MARGIN_MS = 5000;

/** What a write made under a lease carries (the glossary's fence): the lease's holder and its fencing token. */
export interface Fence {
  owner: string;
  /**
   * The bucket revision at which the holder took the lease: a later holder always has a
   * greater one, so a store that keeps the token of its last writer refuses older holders.
   */
  token: number;
}

/** A lease this instance holds: its fence, and how long it may act on it. */
export interface Lease extends Fence {
  /** Wall time after which the holder must not act on the lease (unless renewed). */
  validUntil: number;
}

/** A renewal could not tell whether the lease is still ours (e.g. NATS unreachable). */
export class LeaseUnreachable extends Error {}

interface HeldLease {
  revision: number;
  token: number;
  /** Wall time when the last successful create or update was sent. */
  renewedAt: number;
}

/**
 * Leases in a JetStream key-value bucket whose entries expire after LEASE_TTL_MS: `create`
 * succeeds for exactly one instance while the key is absent, and `update` with the last revision
 * succeeds only for the holder. Live instances announce themselves in the same bucket. One bucket
 * per kind of work (ingestion's cameras, inference's halls); keys are `<kind>.<id>`.
 */
export class KvLeases {
  private kv?: KV;
  /** Each lease this instance holds. */
  private readonly held = new Map<string, HeldLease>();

  constructor(
    readonly bucketName: string,
    private readonly kind: string,
    /** The process's connection (the bucket gets its replicas, HALLWATCH_STREAM_REPLICAS). */
    private readonly nats: Pick<NatsAdapter, 'bucket'>,
  ) {}

  /** Opens the bucket, made if missing. */
  async open(): Promise<void> {
    this.kv = await this.nats.bucket(this.bucketName, { ttl: LEASE_TTL_MS, history: 1 });
  }

  /** Says "this instance is alive" (expires with the TTL like a lease). */
  async announce(instance: string): Promise<void> {
    await this.bucket().put(instanceKey(instance), codec.encode(new Date().toISOString()));
  }

  async liveInstances(): Promise<number> {
    let count = 0;
    for await (const _ of await this.bucket().keys(instanceKey('>'))) count++;
    return count;
  }

  /** Takes the lease of `id` if nobody holds it; true when this instance now holds it. */
  async acquire(id: string, instance: string): Promise<boolean> {
    const sentAt = Date.now();
    try {
      const revision = await this.bucket().create(this.key(id), codec.encode(instance));
      this.held.set(id, { revision, token: revision, renewedAt: sentAt });
      return true;
    } catch {
      // Held already: by another instance, or by this one before a restart under the same name
      // (then renewed at once: the entry may be old).
      if (!(await this.adoptIfOurs(id, instance).catch(() => false))) return false;
      const renewed = await this.renew(id, instance).catch(() => false);
      if (!renewed) this.held.delete(id);
      return renewed;
    }
  }

  /**
   * Extends a held lease; false when it was lost (taken by another instance). Throws
   * LeaseUnreachable when the bucket cannot say: the lease stays held until its margin runs out.
   */
  async renew(id: string, instance: string): Promise<boolean> {
    const lease = this.held.get(id);
    if (!lease) return false;
    const sentAt = Date.now();
    try {
      const revision = await this.bucket().update(this.key(id), codec.encode(instance), lease.revision);
      this.held.set(id, { ...lease, revision, renewedAt: sentAt });
      return true;
    } catch (err) {
      // A lost reply (not a lost lease) leaves the lease ours at a revision we did not see.
      const ours = await this.adoptIfOurs(id, instance, lease.token).catch(() => undefined);
      if (ours === undefined) throw new LeaseUnreachable(`lease ${this.key(id)} not renewed: ${(err as Error).message}`);
      if (!ours) this.held.delete(id);
      return ours;
    }
  }

  /** The lease of `id` while this instance may still act on it. */
  lease(id: string, instance: string, now = Date.now()): Lease | undefined {
    const held = this.held.get(id);
    if (!held) return undefined;
    const validUntil = held.renewedAt + LEASE_TTL_MS - LEASE_MARGIN_MS;
    return now < validUntil ? { owner: instance, token: held.token, validUntil } : undefined;
  }

  /** When the NATS server stored the latest write of `id`'s lease, by its own clock (undefined: no lease). */
  async writtenAt(id: string): Promise<Date | undefined> {
    return (await this.bucket().get(this.key(id)))?.created;
  }

  /** Forgets a lease without touching the bucket (it ran out, or is someone else's now). */
  forget(id: string): void {
    this.held.delete(id);
  }

  /** Gives a held lease back at once, so another instance need not wait for it to expire. */
  async release(id: string): Promise<void> {
    const lease = this.held.get(id);
    this.held.delete(id);
    if (lease) {
      await this.bucket()
        .delete(this.key(id), { previousSeq: lease.revision })
        .catch(() => undefined);
    }
  }

  async retire(instance: string): Promise<void> {
    await this.bucket()
      .delete(instanceKey(instance))
      .catch(() => undefined);
  }

  /**
   * Holds the lease if the bucket says it is this instance's, valid from when that entry was
   * stored (never from when we looked). Rejects when the bucket cannot be read.
   */
  private async adoptIfOurs(id: string, instance: string, token?: number): Promise<boolean> {
    const entry = await this.bucket().get(this.key(id));
    if (!entry || entry.operation !== 'PUT' || codec.decode(entry.value) !== instance) return false;
    const renewedAt = Math.min(Date.now(), entry.created.getTime());
    this.held.set(id, { revision: entry.revision, token: token ?? entry.revision, renewedAt });
    return true;
  }

  private key(id: string): string {
    return `${this.kind}.${id}`;
  }

  private bucket(): KV {
    if (!this.kv) throw new Error(`lease bucket ${this.bucketName} not open`);
    return this.kv;
  }
}

/** The readiness check (see ServiceMetrics.readiness) of the LeaseKeeper `keeper()` gives once it is made. */
export function leaseReadiness(keeper: () => LeaseKeeper | undefined): () => void {
  return () => {
    const held = keeper();
    const problem = held ? held.notReady() : 'not started';
    if (problem) throw new Error(problem);
  };
}

/** Why an instance stops working on a leased id. */
export type LeaseDropReason = 'lost' | 'rebalanced' | 'failed' | 'shutdown';

/** What a LeaseKeeper runs work through. */
export interface LeaseHolder {
  /** Start working on `id`, whose lease this instance just took; a rejection gives the lease back. */
  take(id: string): Promise<void> | void;
  /**
   * Stop working on `id`. For 'lost' the lease is already someone else's (touch no shared state);
   * otherwise it is released right after this resolves, so hand the work over cleanly first.
   */
  drop(id: string, reason: LeaseDropReason): Promise<void> | void;
}

/** What a LeaseKeeper needs of the lease store (KvLeases; a fake in unit tests). */
export type LeaseStore = Pick<KvLeases, 'announce' | 'liveInstances' | 'acquire' | 'renew' | 'lease' | 'forget' | 'release' | 'retire'>;

/** How often the expiry of held leases is checked, so work stops within this of its margin. */
const WATCH_MS = 250;

/**
 * Holds this instance's fair share of leases (ids / live instances, rounded up). Three loops that
 * never wait for each other: every third of the TTL it renews what it holds; a watchdog stops the
 * work on a lease as soon as its last successful renewal is older than TTL minus LEASE_MARGIN_MS
 * (NATS unreachable, process paused), before anyone else can take it; and a claim loop announces
 * this instance, gives back one excess id when another instance joined and takes free ids (e.g.
 * those of an instance whose leases expired), however long taking one up lasts.
 */
export class LeaseKeeper {
  private readonly held = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private renewing?: Promise<void>;
  private claiming?: Promise<void>;
  private stopped = false;
  /** When this instance last announced itself in the bucket (the start of a claim round). */
  private announcedAt?: number;

  constructor(
    private readonly leases: LeaseStore,
    private readonly instance: string,
    private readonly ids: readonly string[],
    private readonly holder: LeaseHolder,
    private readonly log: { warn(message: string): void },
    /** Runs after each claim round, e.g. to retry what could not be sent. */
    private readonly afterRound?: () => Promise<void>,
  ) {}

  start(): void {
    void this.round();
    this.timers = [
      setInterval(() => void this.renew(), LEASE_TTL_MS / 3),
      setInterval(() => void this.claim(), LEASE_TTL_MS / 3),
      setInterval(() => void this.expire(), WATCH_MS),
    ];
  }

  /** The lease of `id` while this instance may act on it; undefined once its margin ran out. */
  lease(id: string): Lease | undefined {
    return this.held.has(id) ? this.leases.lease(id, this.instance) : undefined;
  }

  /**
   * Why this instance is not taking part in the leases (undefined when it is): it announced itself
   * in the bucket within LEASE_TTL_MS, so it holds its share, or none is free, and renews what it
   * holds (a lease whose renewals fail is dropped by the watchdog).
   */
  notReady(now = Date.now()): string | undefined {
    if (this.announcedAt === undefined) return 'no lease round yet';
    const since = now - this.announcedAt;
    return since > LEASE_TTL_MS ? `lease bucket not reached for ${Math.round(since / 1000)} s` : undefined;
  }

  /** Gives up `id` after its work failed; a later round may take it again and start afresh. */
  async giveUp(id: string): Promise<void> {
    if (!this.held.delete(id)) return;
    await this.holder.drop(id, 'failed');
    await this.leases.release(id);
  }

  /** Hands every held id back and says goodbye. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await Promise.all([this.renewing, this.claiming]);
    for (const id of [...this.held]) {
      await this.holder.drop(id, 'shutdown'); // under the lease, as when rebalancing
      this.held.delete(id);
      await this.leases.release(id);
    }
    await this.leases.retire(this.instance).catch(() => undefined);
  }

  /** A renewal round then a claim round, now (start() runs one, then both on timers). */
  async round(): Promise<void> {
    await this.renew();
    await this.claim();
  }

  /** Renews every held lease at once; one that another instance took is dropped. */
  renew(): Promise<void> {
    this.renewing ??= this.renewAll().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  /** Announces this instance, rebalances and takes free ids; joins a claim round under way. */
  claim(): Promise<void> {
    this.claiming ??= this.claimRound().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  /** Stops the work on every held lease whose margin ran out (see LEASE_MARGIN_MS). */
  async expire(): Promise<void> {
    for (const id of [...this.held]) {
      if (this.leases.lease(id, this.instance)) continue;
      this.held.delete(id);
      this.leases.forget(id);
      this.log.warn(`${id}: lease not renewed in time; work on it stopped before it could expire`);
      await this.drop(id, 'lost');
    }
  }

  private async renewAll(): Promise<void> {
    await Promise.all(
      [...this.held].map(async (id) => {
        try {
          if (await this.leases.renew(id, this.instance)) return;
        } catch (err) {
          // Unknown whether it is still ours: the watchdog stops the work when the margin runs out.
          this.log.warn(`${id}: ${(err as Error).message}`);
          return;
        }
        if (!this.held.delete(id)) return;
        await this.drop(id, 'lost');
      }),
    );
    await this.expire();
  }

  private async claimRound(): Promise<void> {
    try {
      await this.leases.announce(this.instance);
      this.announcedAt = Date.now();
      const share = Math.ceil(this.ids.length / Math.max(1, await this.leases.liveInstances()));
      if (this.held.size > share) {
        const id = [...this.held].pop()!;
        // Still held while it is dropped: the holder saves its work under the lease first.
        await this.drop(id, 'rebalanced');
        this.held.delete(id);
        await this.leases.release(id);
      }
      for (const id of this.ids) {
        if (this.stopped || this.held.size >= share) break;
        if (this.held.has(id) || !(await this.leases.acquire(id, this.instance))) continue;
        this.held.add(id);
        try {
          await this.holder.take(id);
        } catch (err) {
          this.log.warn(`${id}: not taken up (${(err as Error).message}); lease given back`);
          // Unless it was dropped meanwhile (lost, expired): then it is not ours to give back.
          if (this.held.delete(id)) await this.leases.release(id);
        }
      }
      await this.afterRound?.();
    } catch (err) {
      this.log.warn(`lease round failed: ${(err as Error).message}`);
    }
  }

  private async drop(id: string, reason: LeaseDropReason): Promise<void> {
    try {
      await this.holder.drop(id, reason);
    } catch (err) {
      this.log.warn(`${id}: dropping it failed: ${(err as Error).message}`);
    }
  }
}
