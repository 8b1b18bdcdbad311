import { WaitingSampler } from './waiting-sampler';

describe('WaitingSampler', () => {
  const s = 1000;

  it('publishes the first count, a change at most every 10 s, and a steady count every minute', () => {
    const sampler = new WaitingSampler();
    expect(sampler.due('H1', 0, 2)).toBe(true);
    expect(sampler.due('H1', 1 * s, 2)).toBe(false);
    expect(sampler.due('H1', 5 * s, 3)).toBe(false); // too soon after the last
    expect(sampler.due('H1', 10 * s, 3)).toBe(true);
    expect(sampler.due('H1', 69 * s, 3)).toBe(false);
    expect(sampler.due('H1', 70 * s, 3)).toBe(true);
  });

  it('publishes a change between known and unknown at once', () => {
    const sampler = new WaitingSampler();
    expect(sampler.due('H1', 0, 2)).toBe(true);
    expect(sampler.due('H1', 1 * s, null)).toBe(true);
    expect(sampler.due('H1', 2 * s, 0)).toBe(true);
  });

  it('never publishes a time at or before the last one, and starts afresh for a hall forgotten', () => {
    const sampler = new WaitingSampler();
    expect(sampler.due('H1', 5 * s, 2)).toBe(true);
    expect(sampler.due('H1', 5 * s, null)).toBe(false);
    expect(sampler.due('H2', 5 * s, 1)).toBe(true);
    sampler.forget('H1');
    expect(sampler.due('H1', 6 * s, 2)).toBe(true);
  });
});
