import { HttpException, HttpStatus } from '@nestjs/common';

/** How many attempts a key gets before a lockout, and how the lockouts grow. */
export interface ThrottleRule {
  /** Attempts allowed before the first lockout. */
  free: number;
  /** First lockout; each further attempt that is not a success doubles it, up to maxLockMs. */
  baseLockMs: number;
  maxLockMs: number;
  /** An account or address with no attempt for this long starts afresh. */
  forgetAfterMs: number;
}

/** One account from one address: the brake on guessing one account's password. */
export const PAIR_RULE: ThrottleRule = { free: 5, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };
/** Looser per address: several people may sign in from behind one NAT. */
export const ADDRESS_RULE: ThrottleRule = { free: 20, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };
/**
 * An account from every address together: a ceiling on guesses spread over many addresses, high
 * enough that a few from anywhere cannot lock its owner out.
 */
export const ACCOUNT_RULE: ThrottleRule = { free: 100, baseLockMs: 30_000, maxLockMs: 15 * 60_000, forgetAfterMs: 15 * 60_000 };

/** The throttle's keys for one sign-in: `address` is the client's (behind HALLWATCH_TRUST_PROXY, the one the proxy saw). */
export function signInKeys(username: string, address: string) {
  const account = `account "${username}"`;
  const from = `address ${address}`;
  const pair = `${account} from ${from}`;
  const rules: [string, ThrottleRule][] = [
    [pair, PAIR_RULE],
    [from, ADDRESS_RULE],
    [account, ACCOUNT_RULE],
  ];
  /** A success clears `pair`; for `others` it is as if never made. */
  return { pair, others: [from, account], all: [pair, from, account], rules };
}
/** Keys remembered at most (oldest forgotten first), so a flood of names cannot fill the memory. */
const MAX_KEYS = 50_000;

/** 429 with the seconds to wait; the controller turns it into a Retry-After header. */
export class SignInLockedException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many sign-in attempts: try again in ${retryAfterSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}

interface Entry {
  rule: ThrottleRule;
  /** Attempts since the last success (or since forgotten), finished or not. */
  attempts: number;
  /** Attempts still being checked. */
  pending: number;
  lastAt: number;
  lockedUntil: number;
}

export interface Lockout {
  key: string;
  attempts: number;
  lockMs: number;
}

/**
 * Brute-force brake for sign-in, per key (see signInKeys). An attempt counts the moment it
 * starts, and once a key has used its free attempts only one more may be in flight at a time, so
 * 40 concurrent guesses cannot slip through before the first fails. Each failure beyond the free
 * ones locks the key for twice as long as the last; a success clears its first key; a lockout is
 * reported once, when it begins.
 */
export class SignInThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly onLockout: (lockout: Lockout) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts an attempt for each key, or refuses it with a 429 (SignInLockedException). */
  begin(keys: [string, ThrottleRule][]): void {
    const now = this.now();
    let waitMs = 0;
    for (const [key, rule] of keys) {
      const entry = this.fresh(key, rule, now);
      if (!entry) continue;
      if (entry.lockedUntil > now) waitMs = Math.max(waitMs, entry.lockedUntil - now);
      else if (entry.attempts >= rule.free && entry.pending > 0) waitMs = Math.max(waitMs, 1000);
    }
    if (waitMs > 0) throw new SignInLockedException(Math.ceil(waitMs / 1000));
    for (const [key, rule] of keys) {
      const entry = this.fresh(key, rule, now) ?? { rule, attempts: 0, pending: 0, lastAt: now, lockedUntil: 0 };
      entry.attempts += 1;
      entry.pending += 1;
      entry.lastAt = now;
      this.remember(key, entry);
    }
  }

  /** The attempt failed: past the free attempts, each failure locks its key for longer. */
  failed(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.pending = Math.max(0, entry.pending - 1);
      const over = entry.attempts - entry.rule.free;
      if (over < 0) continue;
      const lockMs = Math.min(entry.rule.maxLockMs, entry.rule.baseLockMs * 2 ** Math.min(over, 30));
      const wasLocked = entry.lockedUntil > now;
      entry.lockedUntil = Math.max(entry.lockedUntil, now + lockMs);
      if (!wasLocked) this.onLockout({ key, attempts: entry.attempts, lockMs });
    }
  }

  /**
   * The right password: `cleared` (the account from this address) starts afresh; for the others
   * the attempt is as if never made (a success neither counts against them nor clears the
   * failures before it: an owner signing in does not reset guesses spread over other addresses).
   */
  succeeded(cleared: string, others: string[]): void {
    this.entries.delete(cleared);
    for (const key of others) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      entry.pending = Math.max(0, entry.pending - 1);
      entry.attempts = Math.max(0, entry.attempts - 1);
    }
  }

  /** The key's entry, unless it has been quiet (and unlocked) long enough to be forgotten. */
  private fresh(key: string, rule: ThrottleRule, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.pending === 0 && now >= entry.lockedUntil && now - entry.lastAt > rule.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Keeps the Map in order of last use, so the least recently used key is the one forgotten. */
  private remember(key: string, entry: Entry): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_KEYS) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
  }
}
