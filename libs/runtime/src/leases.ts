import { connect, KV, NatsConnection, StringCodec } from 'nats';
import { natsConnectionOptions, reconcileReplicas } from './nats';

/** A lease not renewed for this long expires, so a dead instance's work frees up. */
export const LEASE_TTL_MS = 15000;

const codec = StringCodec();
const instanceKey = (instance: string) => `instance.${instance}`;

/** Lease keys are NATS subject tokens: an instance name keeps to safe characters. */
export function leaseInstanceName(instance: string): string {
  return instance.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Leases in a JetStream key-value bucket whose entries expire after LEASE_TTL_MS: `create`
 * succeeds for exactly one instance while the key is absent, and `update` with the last revision
 * succeeds only for the holder. Live instances announce themselves in the same bucket. One bucket
 * per kind of work (ingestion's cameras, inference's halls); keys are `<kind>.<id>`.
 */
export class KvLeases {
  private nc?: NatsConnection;
  private kv?: KV;
  /** Revision of each lease this instance holds. */
  private readonly held = new Map<string, number>();

  constructor(
    readonly bucketName: string,
    private readonly kind: string,
    private readonly replicas = 1,
  ) {}

  async open(natsUrl: string, name: string): Promise<void> {
    this.nc = await connect(natsConnectionOptions(natsUrl, name));
    this.kv = await this.nc.jetstream().views.kv(this.bucketName, { ttl: LEASE_TTL_MS, history: 1, replicas: this.replicas });
    await reconcileReplicas(this.nc, `KV_${this.bucketName}`, this.replicas);
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
    try {
      this.held.set(id, await this.bucket().create(this.key(id), codec.encode(instance)));
      return true;
    } catch {
      // Held already: by another instance, or by this one before a restart under the same name.
      return this.adoptIfOurs(id, instance);
    }
  }

  /** Extends a held lease; false when it was lost (expired and taken by another instance). */
  async renew(id: string, instance: string): Promise<boolean> {
    const revision = this.held.get(id);
    if (revision === undefined) return false;
    try {
      this.held.set(id, await this.bucket().update(this.key(id), codec.encode(instance), revision));
      return true;
    } catch {
      this.held.delete(id);
      // A lost reply (not a lost lease) leaves the lease ours at a revision we did not see.
      return this.adoptIfOurs(id, instance);
    }
  }

  /** Gives a held lease back at once, so another instance need not wait for it to expire. */
  async release(id: string): Promise<void> {
    const revision = this.held.get(id);
    this.held.delete(id);
    if (revision !== undefined) {
      await this.bucket().delete(this.key(id), { previousSeq: revision }).catch(() => undefined);
    }
  }

  async retire(instance: string): Promise<void> {
    await this.bucket().delete(instanceKey(instance)).catch(() => undefined);
  }

  // Nest hook, after the services stopped (their hooks run in onModuleDestroy, before this).
  async onApplicationShutdown(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
  }

  private async adoptIfOurs(id: string, instance: string): Promise<boolean> {
    const entry = await this.bucket().get(this.key(id)).catch(() => null);
    if (!entry || entry.operation !== 'PUT' || codec.decode(entry.value) !== instance) return false;
    this.held.set(id, entry.revision);
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

/**
 * Holds this instance's fair share of leases (ids / live instances, rounded up): every third of
 * the TTL it announces itself, renews what it holds, gives back one excess id when another
 * instance joined, and takes free ids (e.g. those of an instance whose leases expired).
 */
export class LeaseKeeper {
  private readonly held = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly leases: KvLeases,
    private readonly instance: string,
    private readonly ids: readonly string[],
    private readonly holder: LeaseHolder,
    private readonly log: { warn(message: string): void },
    /** Runs after each round, e.g. to retry what could not be sent. */
    private readonly afterRound?: () => Promise<void>,
  ) {}

  start(): void {
    void this.round();
    this.timer = setInterval(() => void this.round(), LEASE_TTL_MS / 3);
  }

  holds(id: string): boolean {
    return this.held.has(id);
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
    clearInterval(this.timer);
    await this.running;
    for (const id of [...this.held]) {
      this.held.delete(id);
      await this.holder.drop(id, 'shutdown');
      await this.leases.release(id);
    }
    await this.leases.retire(this.instance);
  }

  /** One round now (start() runs them on a timer); joins a round already under way. */
  round(): Promise<void> {
    this.running ??= this.runRound().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runRound(): Promise<void> {
    try {
      await this.leases.announce(this.instance);
      for (const id of [...this.held]) {
        if (await this.leases.renew(id, this.instance)) continue;
        this.held.delete(id);
        await this.holder.drop(id, 'lost');
      }
      const share = Math.ceil(this.ids.length / Math.max(1, await this.leases.liveInstances()));
      if (this.held.size > share) {
        const id = [...this.held].pop()!;
        this.held.delete(id);
        await this.holder.drop(id, 'rebalanced');
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
          this.held.delete(id);
          await this.leases.release(id);
        }
      }
      await this.afterRound?.();
    } catch (err) {
      this.log.warn(`lease round failed: ${(err as Error).message}`);
    }
  }
}
