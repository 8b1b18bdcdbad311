import { CaptureClock } from './capture-clock';

describe('CaptureClock', () => {
  it('has no time before the first frame', () => {
    expect(new CaptureClock().now(5000)).toBeUndefined();
  });

  it('runs on from the newest capture time at the wall clock pace', () => {
    const clock = new CaptureClock();
    // The camera's clock is 1 h behind the server's and the frame took 300 ms to arrive.
    clock.received(1_000_000, 3_601_000_300);
    expect(clock.now(3_601_000_300)).toBe(1_000_000);
    expect(clock.now(3_601_004_300)).toBe(1_004_000);
  });

  it('never goes back for an older frame delivered late', () => {
    const clock = new CaptureClock();
    clock.received(10_000, 10_000);
    clock.received(8_000, 11_000);
    expect(clock.now(11_000)).toBe(11_000);
  });

  it('holds at the oldest frame still waiting for the detector', () => {
    const clock = new CaptureClock();
    clock.received(10_000, 10_000);
    expect(clock.now(20_000, 12_000)).toBe(12_000);
    expect(clock.now(20_000, 25_000)).toBe(20_000);
  });
});
