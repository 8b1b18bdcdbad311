import fc from 'fast-check';
import { backoffDelay } from './backoff';

const policy = { baseMs: 1000, maxMs: 60000 };

describe('backoffDelay', () => {
  it('doubles the ceiling with every attempt', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(1000);
    expect(backoffDelay(1, policy, () => 1)).toBe(2000);
    expect(backoffDelay(3, policy, () => 1)).toBe(8000);
  });

  it('never waits less than half the ceiling (jitter only spreads the upper half)', () => {
    expect(backoffDelay(2, policy, () => 0)).toBe(2000);
  });

  it('is capped at maxMs however many attempts failed', () => {
    expect(backoffDelay(6, policy, () => 1)).toBe(60000);
    expect(backoffDelay(10000, policy, () => 1)).toBe(60000);
  });

  it('stays within [ceiling/2, ceiling] for any attempt and random draw', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
        const delay = backoffDelay(attempt, policy, () => r);
        return delay >= Math.floor(ceiling / 2) && delay <= ceiling;
      }),
    );
  });
});
