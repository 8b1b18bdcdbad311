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
