import { RateLimitedLog } from './rate-limited-log';

describe('RateLimitedLog', () => {
  it('writes a repeated warning once per interval and key, then says how many were left out', () => {
    let now = Date.parse('2026-12-01T08:00:00Z');
    const written: string[] = [];
    const log = new RateLimitedLog(
      (m) => written.push(m),
      60_000,
      () => now,
    );
    for (let i = 0; i < 100; i++, now += 1000) log.warn('cam-1', `cam-1: frame ${i} dropped`);
    log.warn('cam-2', 'cam-2: frame 0 dropped');
    expect(written).toEqual([
      'cam-1: frame 0 dropped',
      'cam-1: frame 60 dropped (59 more like it left out since 2026-12-01T08:00:00.000Z)',
      'cam-2: frame 0 dropped',
    ]);
  });

  it('forgets the keys it is told to, so a key seen again is written at once', () => {
    const now = 0;
    const written: string[] = [];
    const log = new RateLimitedLog(
      (m) => written.push(m),
      60_000,
      () => now,
    );
    log.warn('skew:cam-1', 'a');
    log.warn('drop:cam-1', 'b');
    log.forget((key) => key.endsWith(':cam-1'));
    log.warn('skew:cam-1', 'c');
    log.warn('drop:cam-1', 'd');
    expect(written).toEqual(['a', 'b', 'c', 'd']);
  });
});
