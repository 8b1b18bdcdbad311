import { KvLeases, LeaseDropReason, LeaseKeeper } from './leases';

/** The lease bucket's rules in memory: one holder per id, instances announced until they expire. */
class MemoryLeases {
  readonly owners = new Map<string, string>();
  readonly instances = new Set<string>();
  async announce(instance: string) {
    this.instances.add(instance);
  }
  async liveInstances() {
    return this.instances.size;
  }
  async acquire(id: string, instance: string) {
    if (this.owners.has(id) && this.owners.get(id) !== instance) return false;
    this.owners.set(id, instance);
    return true;
  }
  async renew(id: string, instance: string) {
    return this.owners.get(id) === instance;
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
    drop: (id: string, reason: LeaseDropReason) => void log.push(`drop ${id} ${reason}`),
  };
  const k = new LeaseKeeper(store as unknown as KvLeases, instance, HALLS, holder, { warn: (m) => log.push(`warn ${m}`) });
  return { k, log };
}

describe('LeaseKeeper', () => {
  it('takes everything alone, hands back down to its fair share when another instance joins', async () => {
    const store = new MemoryLeases();
    const a = keeper(store, 'a');
    await a.k.round();
    expect(a.log).toEqual(['take h1', 'take h2', 'take h3']);
    const b = keeper(store, 'b');
    await b.k.round(); // its share is 2, but nothing is free yet
    expect(b.log).toEqual([]);
    await a.k.round(); // share 2: gives the last one back
    expect(a.log.slice(3)).toEqual(['drop h3 rebalanced']);
    await b.k.round();
    expect(b.log).toEqual(['take h3']);
    expect([...store.owners]).toEqual([['h1', 'a'], ['h2', 'a'], ['h3', 'b']]);
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
    expect(a.log.slice(3)).toEqual(['drop h3 failed', 'drop h1 shutdown']);
    expect(store.owners.size).toBe(0);
    expect(store.instances.size).toBe(0);
  });
});
