import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90d', 90 * 86_400_000],
    ['250ms', 250],
    ['1.5s', 1500],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', 'ten minutes', '5 m', '-5s', '1h 30m'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});
