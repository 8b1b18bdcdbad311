import { keepsEvidence, purgeClockRefusal } from './retention';

const T = Date.parse('2026-11-25T00:00:00Z');
const DAY = 24 * 3600_000;

describe('keepsEvidence', () => {
  it('keeps an open, confirmed or appealed incident whatever its age', () => {
    expect(keepsEvidence({}, T)).toBe(true);
    expect(keepsEvidence({ closedAt: null }, T)).toBe(true);
    expect(keepsEvidence({ closedAt: T - 900 * DAY, review: 'confirmed' }, T)).toBe(true);
    expect(keepsEvidence({ closedAt: T - 900 * DAY, review: 'appealed' }, T)).toBe(true);
  });

  it('keeps a closed one within its review window and lets it go after', () => {
    expect(keepsEvidence({ closedAt: T }, T)).toBe(true);
    expect(keepsEvidence({ closedAt: T - 1 }, T)).toBe(false);
    expect(keepsEvidence({ closedAt: T - 1, review: 'dismissed' }, T)).toBe(false);
    expect(keepsEvidence({ closedAt: T - DAY, review: null }, T)).toBe(false);
  });
});

describe('purgeClockRefusal', () => {
  it('lets a purge run on a clock within a minute of its references, or behind them', () => {
    expect(purgeClockRefusal(T, {})).toBeUndefined();
    expect(purgeClockRefusal(T, { natsServer: T - 60_000, newestStored: T - 60_000 })).toBeUndefined();
    expect(purgeClockRefusal(T, { natsServer: T + 3600_000, newestStored: T + 5000 })).toBeUndefined();
  });

  it('refuses a host clock more than a minute ahead of the NATS server, naming both times', () => {
    const years = purgeClockRefusal(T + 3 * 365 * DAY, { natsServer: T });
    expect(years).toMatch(
      /host clock \(2029-11-24T00:00:00.000Z\) is 94608000.000 s ahead of the NATS server's clock \(2026-11-25T00:00:00.000Z\)/,
    );
    expect(purgeClockRefusal(T, { natsServer: T - 60_001 })).toMatch(/60.001 s ahead of the NATS server's clock/);
  });

  it('refuses a host clock more than a minute ahead of the newest stored hall state', () => {
    expect(purgeClockRefusal(T, { natsServer: T, newestStored: T - 2 * DAY })).toMatch(
      /172800.000 s ahead of the newest stored hall state/,
    );
    expect(purgeClockRefusal(T, { natsServer: T - DAY, newestStored: T - DAY })).toMatch(
      /NATS server's clock.*; the host clock .* newest stored hall state/,
    );
  });
});
