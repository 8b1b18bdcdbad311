// LeaseKeeper: holds an instance's fair share of leases, renewing them, stopping work in time and rebalancing.
import { KvLeases, Lease, LEASE_TTL_MS } from './leases';

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
