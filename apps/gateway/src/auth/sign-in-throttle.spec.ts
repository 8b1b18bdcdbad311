import { ACCOUNT_RULE, ADDRESS_RULE, Lockout, SignInLockedException, SignInThrottle, ThrottleRule } from './sign-in-throttle';

const RULE: ThrottleRule = { free: 3, baseLockMs: 10_000, maxLockMs: 40_000, forgetAfterMs: 60_000 };

function setup() {
  let now = 1_000_000;
  const lockouts: Lockout[] = [];
  const throttle = new SignInThrottle(
    (l) => lockouts.push(l),
    () => now,
  );
  const tick = (ms: number) => (now += ms);
  const fail = (key = 'a') => {
    throttle.begin([[key, RULE]]);
    throttle.failed([key]);
  };
  const retryAfter = (key = 'a') => {
    try {
      throttle.begin([[key, RULE]]);
      return 0;
    } catch (err) {
      expect(err).toBeInstanceOf(SignInLockedException);
      expect((err as SignInLockedException).getStatus()).toBe(429);
      return (err as SignInLockedException).retryAfterSeconds;
    }
  };
  return { throttle, lockouts, tick, fail, retryAfter };
}

describe('SignInThrottle (issue 11, item 5)', () => {
  it('locks after the free failures, for longer after each further one, logging each lockout once', () => {
    const { lockouts, tick, fail, retryAfter } = setup();
    fail();
    fail();
    expect(lockouts).toEqual([]);
    fail();
    expect(lockouts).toEqual([{ key: 'a', attempts: 3, lockMs: 10_000 }]);
    expect(retryAfter()).toBe(10);
    expect(retryAfter()).toBe(10);
    tick(4_000);
    expect(retryAfter()).toBe(6);
    expect(lockouts).toHaveLength(1); // refused attempts are not new lockouts
    tick(6_000);
    fail();
    expect(lockouts[1]).toEqual({ key: 'a', attempts: 4, lockMs: 20_000 });
    tick(20_000);
    fail();
    tick(40_000);
    fail();
    expect(lockouts.map((l) => l.lockMs)).toEqual([10_000, 20_000, 40_000, 40_000]);
  });

  it('lets only one attempt at a time through once the free ones are used, so concurrent guesses cannot slip past', () => {
    const { throttle, retryAfter } = setup();
    for (let i = 0; i < 3; i++) throttle.begin([['a', RULE]]); // three in flight
    expect(retryAfter()).toBe(1);
    throttle.failed(['a']);
    expect(retryAfter()).toBeGreaterThanOrEqual(10);
  });

  it('clears an account on success but not its address, and keeps keys apart', () => {
    const { throttle, fail, retryAfter } = setup();
    fail('account');
    fail('account');
    throttle.begin([
      ['account', RULE],
      ['address', RULE],
    ]);
    throttle.succeeded('account', ['address']);
    fail('account');
    fail('account');
    expect(retryAfter('account')).toBe(0);
    expect(retryAfter('other')).toBe(0);
  });

  it('does not count successes against an address, nor let them wipe its failures', () => {
    const { throttle, fail, retryAfter } = setup();
    fail('address');
    fail('address');
    for (let i = 0; i < 10; i++) {
      throttle.begin([
        [`user${i}`, RULE],
        ['address', RULE],
      ]);
      throttle.succeeded(`user${i}`, ['address']);
    }
    fail('address');
    expect(retryAfter('address')).toBe(10);
  });

  it('forgets a key after a quiet spell', () => {
    const { tick, fail, retryAfter } = setup();
    fail();
    fail();
    fail();
    tick(10_000 + 60_001);
    fail();
    fail();
    expect(retryAfter()).toBe(0);
  });

  it('is looser per address than per account', () => {
    expect(ADDRESS_RULE.free).toBeGreaterThan(ACCOUNT_RULE.free);
  });
});
