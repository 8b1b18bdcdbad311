import { LeaseDropReason, LeaseKeeper, leaseReadiness, LeaseStore } from './lease-keeper';
import { LEASE_MARGIN_MS, LEASE_TTL_MS, LeaseUnreachable } from './leases';

/**
 * The lease bucket's rules in memory: one holder per id, instances announced until they expire.
 * `now` is the test's clock; `unreachable` makes every call fail as with NATS away.
 */
class MemoryLeases implements LeaseStore {
  readonly owners = new Map<string, string>();
  readonly instances = new Set<string>();
  /** Tokens and last renewal times of the leases, as each holder saw them. */
  readonly renewed = new Map<string, { token: number; at: number }>();
  now = 1_000_000;
  revision = 0;
  unreachable = false;
  private check() {
    if (this.unreachable) throw new LeaseUnreachable('NATS unreachable');
  }
  async announce(instance: string) {
    this.check();
    this.instances.add(instance);
  }
  async liveInstances() {
    this.check();
    return this.instances.size;
  }
  async acquire(id: string, instance: string) {
    if (this.unreachable || (this.owners.has(id) && this.owners.get(id) !== instance)) return false;
    this.owners.set(id, instance);
    this.renewed.set(`${instance}/${id}`, { token: ++this.revision, at: this.now });
    return true;
  }
  async renew(id: string, instance: string) {
    this.check();
    if (this.owners.get(id) !== instance) return false;
    this.renewed.get(`${instance}/${id}`)!.at = this.now;
    return true;
  }
  lease(id: string, instance: string, now = this.now) {
    const r = this.renewed.get(`${instance}/${id}`);
    const validUntil = r ? r.at + LEASE_TTL_MS - LEASE_MARGIN_MS : -Infinity;
    return r && now < validUntil ? { owner: instance, token: r.token, validUntil } : undefined;
  }
  forget(id: string) {
    for (const key of this.renewed.keys())
      if (key.endsWith(`/${id}`) && this.owners.get(id) !== key.split('/')[0]) this.renewed.delete(key);
  }
  async release(id: string) {
    this.owners.delete(id);
  }
  async retire(instance: string) {
    this.instances.delete(instance);
  }
  /** An instance died: its announcement and leases expire. */
  expire(instance: string) {
    this.instances.delete(instance);
    for (const [id, owner] of this.owners) if (owner === instance) this.owners.delete(id);
  }
}

const HALLS = ['h1', 'h2', 'h3'];

function keeper(store: MemoryLeases, instance: string, failOn?: string) {
  const log: string[] = [];
  const holder = {
    take: (id: string) => {
      if (id === failOn) throw new Error('no database');
      log.push(`take ${id}`);
    },
    // Whether the work could still be saved under the lease while it is dropped.
    drop: (id: string, reason: LeaseDropReason) => void log.push(`drop ${id} ${reason}${k.lease(id) ? ' (leased)' : ''}`),
  };
  const k: LeaseKeeper = new LeaseKeeper(store, instance, HALLS, holder, { warn: (m) => log.push(`warn ${m}`) });
  return { k, log };
}

describe('LeaseKeeper', () => {
  it('is ready once it announced itself, and not once the bucket went unanswered for a TTL (issue 21)', async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a');
    const check = leaseReadiness(() => a.k);
    expect(a.k.notReady()).toBe('no lease round yet');
    expect(leaseReadiness(() => undefined)).toThrow('not started');
    await a.k.round();
    expect(a.k.notReady()).toBeUndefined();
    expect(check).not.toThrow();
    store.unreachable = true;
    await a.k.round();
    const later = Date.now() + LEASE_TTL_MS + 1000;
    expect(a.k.notReady(later)).toBe(`lease bucket not reached for ${Math.round((LEASE_TTL_MS + 1000) / 1000)} s`);
    store.unreachable = false;
    await a.k.round();
    expect(a.k.notReady()).toBeUndefined();
  });

  it('takes everything alone, hands back down to its fair share when another instance joins', async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a');
    await a.k.round();
    expect(a.log).toEqual(['take h1', 'take h2', 'take h3']);
    const b = keeper(store, 'b');
    await b.k.round(); // its share is 2, but nothing is free yet
    expect(b.log).toEqual([]);
    await a.k.round(); // share 2: gives the last one back
    expect(a.log.slice(3)).toEqual(['drop h3 rebalanced (leased)']);
    await b.k.round();
    expect(b.log).toEqual(['take h3']);
    expect([...store.owners]).toEqual([
      ['h1', 'a'],
      ['h2', 'a'],
      ['h3', 'b'],
    ]);
  });

  it("takes over a dead instance's ids, and drops an id whose lease it lost without releasing it", async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a');
    const b = keeper(store, 'b');
    await store.announce('b');
    await a.k.round();
    await b.k.round();
    expect(a.log).toEqual(['take h1', 'take h2']);
    store.expire('a');
    await b.k.round();
    expect(b.log).toEqual(['take h3', 'take h1', 'take h2']);
    await a.k.round(); // a was only paused: its leases are b's now
    expect(a.log.slice(2)).toEqual(['drop h1 lost', 'drop h2 lost']);
    expect([...store.owners.values()]).toEqual(['b', 'b', 'b']);
  });

  it('gives a lease back when taking the work fails, and hands everything back when stopped', async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a', 'h2');
    await a.k.round();
    expect(a.log).toEqual(['take h1', 'warn h2: not taken up (no database); lease given back', 'take h3']);
    expect(store.owners.has('h2')).toBe(false);
    await a.k.giveUp('h3');
    expect(store.owners.has('h3')).toBe(false);
    await a.k.stop();
    expect(a.log.slice(3)).toEqual(['drop h3 failed', 'drop h1 shutdown (leased)']);
    expect(store.owners.size).toBe(0);
    expect(store.instances.size).toBe(0);
  });

  it('stops the work once its last renewal is older than TTL minus the margin, while NATS is unreachable', async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a');
    await a.k.round();
    expect(a.k.lease('h1')).toMatchObject({ owner: 'a', token: 1 });
    store.unreachable = true;
    store.now += LEASE_TTL_MS / 3;
    await a.k.round(); // renewals fail: the leases are kept while the margin lasts
    expect(a.log.filter((l) => l.startsWith('drop'))).toEqual([]);
    expect(a.k.lease('h1')).toBeDefined();
    store.now += LEASE_TTL_MS - LEASE_MARGIN_MS - LEASE_TTL_MS / 3; // exactly at the margin
    expect(a.k.lease('h1')).toBeUndefined(); // writes fenced by it are refused from now on
    await a.k.expire();
    expect(a.log.filter((l) => l.startsWith('drop'))).toEqual(['drop h1 lost', 'drop h2 lost', 'drop h3 lost']);
    // Once NATS is back, the leases (expired meanwhile) are taken afresh, under new tokens.
    store.unreachable = false;
    HALLS.forEach((h) => store.owners.delete(h));
    await a.k.round();
    expect(a.k.lease('h1')).toMatchObject({ owner: 'a', token: 4 });
  });

  it('stops at once a paused instance that wakes up past its margin, before renewing', async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a');
    await a.k.round();
    store.now += LEASE_TTL_MS + 5000; // paused (SIGSTOP): its leases expired, b took one
    store.owners.delete('h2');
    const b = keeper(store, 'b');
    await b.k.round();
    expect(b.log).toContain('take h2');
    expect(a.k.lease('h1')).toBeUndefined();
    expect(a.k.lease('h2')).toBeUndefined();
    await a.k.expire();
    expect(a.log.filter((l) => l.startsWith('drop'))).toEqual(['drop h1 lost', 'drop h2 lost', 'drop h3 lost']);
    expect(store.lease('h2', 'b')).toMatchObject({ owner: 'b' });
  });

  it('renews held leases while taking one up lasts longer than the TTL', async () => {
    const store = new MemoryLeases();
    let finish!: () => void;
    const slow = new Promise<void>((r) => (finish = r));
    const log: string[] = [];
    const k = new LeaseKeeper(
      store,
      'a',
      ['h1', 'h2'],
      {
        take: (id) => (id === 'h2' ? slow : void log.push(`take ${id}`)),
        drop: (id, reason) => void log.push(`drop ${id} ${reason}`),
      },
      { warn: (m) => log.push(`warn ${m}`) },
    );
    const claiming = k.claim(); // takes h1, then waits on h2
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['take h1']);
    for (let i = 0; i < 6; i++) {
      store.now += LEASE_TTL_MS / 3;
      await k.renew(); // not held up by the take under way
      await k.expire();
    }
    expect(k.lease('h1')).toBeDefined();
    expect(k.lease('h2')).toBeDefined();
    finish();
    await claiming;
    expect(log).toEqual(['take h1']);
  });
});
