import {
  ACCOUNT_RULE,
  ADDRESS_RULE,
  Lockout,
  PAIR_RULE,
  SignInLockedException,
  signInKeys,
  SignInThrottle,
  ThrottleRule,
} from './sign-in-throttle';

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

  it('is looser per address than per account and address, and loosest per account', () => {
    expect(ADDRESS_RULE.free).toBeGreaterThan(PAIR_RULE.free);
    expect(ACCOUNT_RULE.free).toBeGreaterThanOrEqual(10 * PAIR_RULE.free);
  });
});

describe('sign-in keys: per account and address, per address, and a per-account ceiling (issue 19, item 7)', () => {
  function signIns() {
    let now = 1_000_000;
    const lockouts: Lockout[] = [];
    const throttle = new SignInThrottle(
      (l) => lockouts.push(l),
      () => now,
    );
    /** One attempt of `username` from `address` (as req.ip gives it: behind HALLWATCH_TRUST_PROXY, the client's); its status. */
    const attempt = (username: string, address: string, right: boolean): 200 | 401 | 429 => {
      const keys = signInKeys(username, address);
      try {
        throttle.begin(keys.rules);
      } catch (err) {
        if (err instanceof SignInLockedException) return 429;
        throw err;
      }
      if (right) throttle.succeeded(keys.pair, keys.others);
      else throttle.failed(keys.all);
      return right ? 200 : 401;
    };
    return { attempt, lockouts, tick: (ms: number) => (now += ms) };
  }

  it('locks an account from the guessing address only: its owner elsewhere still signs in', () => {
    const { attempt, lockouts } = signIns();
    for (let i = 0; i < PAIR_RULE.free; i++) expect(attempt('victim', '198.51.100.9', false)).toBe(401);
    expect(attempt('victim', '198.51.100.9', true)).toBe(429);
    expect(attempt('victim', '198.51.100.20', true)).toBe(200);
    // The guessing address may still sign in as someone else: it is not past its own limit.
    expect(attempt('colleague', '198.51.100.9', true)).toBe(200);
    expect(lockouts.map((l) => l.key)).toEqual(['account "victim" from address 198.51.100.9']);
  });

  it('locks an address that guesses many accounts, whatever the accounts', () => {
    const { attempt } = signIns();
    for (let i = 0; i < ADDRESS_RULE.free; i++) expect(attempt(`user${i}`, '198.51.100.9', false)).toBe(401);
    expect(attempt('someone-else', '198.51.100.9', true)).toBe(429);
    expect(attempt('someone-else', '198.51.100.10', true)).toBe(200);
  });

  it('locks an account from everywhere only past the ceiling of guesses spread over many addresses', () => {
    const { attempt, lockouts } = signIns();
    const address = (i: number) => `198.51.100.${i % 250}`;
    // Four guesses from each address: no pair and no address reaches its limit.
    for (let i = 0; i < ACCOUNT_RULE.free - 1; i++) expect(attempt('victim', address(Math.floor(i / 4)), false)).toBe(401);
    expect(attempt('victim', '198.51.100.251', true)).toBe(200); // the owner, just under the ceiling
    expect(attempt('victim', address(200), false)).toBe(401); // the ceiling's last free guess
    expect(attempt('victim', '198.51.100.252', true)).toBe(429);
    expect(lockouts.map((l) => l.key)).toEqual(['account "victim"']);
  });

  it("clears the account's failures from an address on success there, but not the guesses from elsewhere", () => {
    const { attempt } = signIns();
    for (let i = 0; i < PAIR_RULE.free - 1; i++) attempt('victim', '198.51.100.9', false);
    expect(attempt('victim', '198.51.100.9', true)).toBe(200);
    for (let i = 0; i < PAIR_RULE.free - 1; i++) expect(attempt('victim', '198.51.100.9', false)).toBe(401);
    expect(attempt('victim', '198.51.100.9', true)).toBe(200);
  });
});
