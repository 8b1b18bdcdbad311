import { KvMutex, MutexLeases } from './kv-mutex';
import { Lease, LEASE_MARGIN_MS, LEASE_TTL_MS, LeaseUnreachable } from './leases';
import { LockLost, LockUnavailable } from './waiting';

/** The lock bucket's rules in memory; `renewals` says how the next renewals go. */
class MemoryLeases implements MutexLeases {
  renewals: 'ok' | 'unreachable' | 'taken' = 'ok';
  holder?: string;
  private renewedAt?: number;
  async open(): Promise<void> {}
  async acquire(_id: string, owner: string): Promise<boolean> {
    if (this.holder) return false;
    [this.holder, this.renewedAt] = [owner, Date.now()];
    return true;
  }
  async renew(): Promise<boolean> {
    if (this.renewals === 'unreachable') throw new LeaseUnreachable('lease lock.k not renewed: TIMEOUT');
    if (this.renewals === 'taken') return false;
    this.renewedAt = Date.now();
    return true;
  }
  lease(_id: string, owner: string, now = Date.now()): Lease | undefined {
    const validUntil = (this.renewedAt ?? -Infinity) + LEASE_TTL_MS - LEASE_MARGIN_MS;
    return this.holder === owner && now < validUntil ? { owner, token: 1, validUntil } : undefined;
  }
  async release(): Promise<void> {
    this.holder = this.renewedAt = undefined;
  }
}

describe('KvMutex', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let leases: MemoryLeases;
  let lost: string[];
  let mutex: KvMutex;

  beforeEach(() => {
    jest.useFakeTimers();
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    leases = new MemoryLeases();
    lost = [];
    mutex = new KvMutex(
      'b',
      { bucket: () => Promise.reject(new Error('unused')) },
      'i1',
      (key, why) => lost.push(`${key}: ${why}`),
      leases,
    );
  });

  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    jest.useRealTimers();
  });

  /** Work that writes (checked) whenever `write` is called, until `done` is. */
  function work() {
    const written: number[] = [];
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    let write!: () => void;
    const running = mutex.run('k', async (hold) => {
      write = () => {
        hold.check();
        written.push(Date.now());
      };
      await finished;
      mutex.check(); // the last write, through the mutex: the same hold in this async context
      return 'done';
    });
    return { written, running, write: () => write(), finish };
  }

  it('survives failing renewals without an unhandled rejection, tells the holder, and refuses its writes before the lease can expire', async () => {
    const w = work();
    await jest.advanceTimersByTimeAsync(1);
    w.write();
    leases.renewals = 'unreachable';
    // Renewals at 5 s and 10 s fail: still ours until 10 s after the last success, then lost.
    await jest.advanceTimersByTimeAsync(LEASE_TTL_MS / 3);
    w.write();
    expect(lost).toEqual([]);
    await jest.advanceTimersByTimeAsync(LEASE_TTL_MS - LEASE_MARGIN_MS - LEASE_TTL_MS / 3);
    expect(lost).toEqual(['k: not renewed in time (NATS unreachable)']);
    expect(() => w.write()).toThrow(LockLost);
    expect(w.written).toHaveLength(2);
    w.finish();
    await expect(w.running).rejects.toThrow(/lock k lost while held \(not renewed in time/);
    // Flush the microtasks and timers once more: nothing rejected unseen.
    await jest.advanceTimersByTimeAsync(LEASE_TTL_MS);
    expect(unhandled).toEqual([]);
    expect(leases.holder).toBeUndefined(); // given back
  });

  it('refuses a write once the margin ran out even before the next renewal says so', async () => {
    const w = work();
    await jest.advanceTimersByTimeAsync(1);
    leases.renewals = 'unreachable';
    // A paused process: no timer ran since the last renewal, the clock moved on.
    jest.setSystemTime(Date.now() + LEASE_TTL_MS - LEASE_MARGIN_MS);
    expect(() => w.write()).toThrow(LockLost);
    expect(lost).toEqual(['k: not renewed in time (NATS unreachable?)']);
    w.finish();
    await expect(w.running).rejects.toThrow(LockLost);
  });

  it('tells the holder at once when another holder took the lock, and refuses its writes', async () => {
    const w = work();
    await jest.advanceTimersByTimeAsync(1);
    leases.renewals = 'taken';
    await jest.advanceTimersByTimeAsync(LEASE_TTL_MS / 3);
    expect(lost).toEqual(['k: taken by another holder']);
    expect(() => w.write()).toThrow(/taken by another holder/);
    w.finish();
    await expect(w.running).rejects.toThrow(LockLost);
    expect(unhandled).toEqual([]);
  });

  it('keeps renewing a lock held long, writes going through', async () => {
    const w = work();
    for (let i = 0; i < 6; i++) {
      await jest.advanceTimersByTimeAsync(LEASE_TTL_MS / 3);
      w.write();
    }
    w.finish();
    await expect(w.running).resolves.toBe('done');
    expect([lost, w.written.length]).toEqual([[], 6]);
  });

  it('refuses a write outside any work holding the lock', () => {
    expect(() => mutex.check()).toThrow(LockLost);
  });

  it('gives up waiting with LockUnavailable (not LockLost: the work never ran)', async () => {
    leases.holder = 'someone-else';
    let ran = false;
    const waiting = mutex.run('k', async () => void (ran = true), 1000);
    const outcome = waiting.catch((err: unknown) => err);
    await jest.advanceTimersByTimeAsync(1100);
    const err = await outcome;
    expect(err).toBeInstanceOf(LockUnavailable);
    expect(err).not.toBeInstanceOf(LockLost);
    expect((err as Error).message).toBe('lock k: not free within 1000 ms');
    expect(ran).toBe(false);
  });
});
