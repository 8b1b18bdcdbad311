import { CaptureClocks, checkStamp, MAX_AHEAD_MS, MAX_BEHIND_MS, UNSEEN_LAG_MS } from './capture-clock';

describe('checkStamp', () => {
  const received = 1_800_000_000_000;

  it('keeps a stamp at or behind its receipt, within the limit', () => {
    expect(checkStamp(received - 300, received)).toEqual({ ok: true, at: received - 300, clamped: false });
    expect(checkStamp(received - 5_000, received)).toEqual({ ok: true, at: received - 5_000, clamped: false });
    expect(checkStamp(received - MAX_BEHIND_MS, received)).toMatchObject({ ok: true });
  });

  it('clamps a stamp slightly ahead of its receipt to the receipt', () => {
    expect(checkStamp(received + 2_000, received)).toEqual({ ok: true, at: received, clamped: true });
    expect(checkStamp(received + MAX_AHEAD_MS, received)).toEqual({ ok: true, at: received, clamped: true });
  });

  it('refuses a stamp far ahead or far behind, saying why', () => {
    expect(checkStamp(received + 3_600_000, received)).toEqual({
      ok: false,
      reason: 'captured 3600 s after it was received (more than 5 s ahead)',
    });
    expect(checkStamp(received - 3_600_000, received)).toEqual({
      ok: false,
      reason: 'captured 3600 s before it was received (more than 60 s behind)',
    });
  });
});

describe('CaptureClocks', () => {
  it('runs a camera not heard from yet on the server clock, UNSEEN_LAG_MS behind', () => {
    expect(new CaptureClocks().now('cam-1', 50_000)).toBe(50_000 - UNSEEN_LAG_MS);
  });

  it("runs each camera on from its own newest capture time at the wall clock's pace", () => {
    const clocks = new CaptureClocks();
    // cam-1's host is 5 s behind the server and its frame took 300 ms to arrive; cam-2 is on time.
    clocks.received('cam-1', 1_000_000, 1_005_300);
    clocks.received('cam-2', 1_005_000, 1_005_100);
    expect(clocks.now('cam-1', 1_005_300)).toBe(1_000_000);
    expect(clocks.now('cam-1', 1_009_300)).toBe(1_004_000);
    expect(clocks.now('cam-2', 1_009_300)).toBe(1_009_200);
  });

  it('never goes back for an older frame delivered late', () => {
    const clocks = new CaptureClocks();
    clocks.received('cam-1', 10_000, 10_000);
    clocks.received('cam-1', 8_000, 11_000);
    expect(clocks.now('cam-1', 11_000)).toBe(11_000);
  });

  it("holds at the camera's oldest frame still waiting for the detector", () => {
    const clocks = new CaptureClocks();
    clocks.received('cam-1', 10_000, 10_000);
    expect(clocks.now('cam-1', 20_000, 12_000)).toBe(12_000);
    expect(clocks.now('cam-1', 20_000, 25_000)).toBe(20_000);
  });
});
