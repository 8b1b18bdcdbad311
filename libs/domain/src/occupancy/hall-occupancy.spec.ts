import { HallOccupancy, liveOccupancy } from './hall-occupancy';

const T = Date.parse('2024-10-08T10:00:00+08:00');
const s = (seconds: number) => T + seconds * 1000;

describe('HallOccupancy', () => {
  it('sums the waiting and counter zones of every camera, with since when someone waits', () => {
    const o = new HallOccupancy();
    o.count('c1', s(0), 3000, [{ zone: 'waiting:0', persons: 3 }]);
    o.count('c2', s(1), 3000, [
      { zone: 'counter:w1', windowId: 'w1', persons: 1 },
      { zone: 'counter:w2', windowId: 'w2', persons: 0 },
    ]);
    o.count('c1', s(2), 3000, [{ zone: 'waiting:0', persons: 2 }]);
    expect(o.live(s(2))).toEqual({ waiting: 3, waitingSince: s(0), at: s(2), windows: [{ windowId: 'w1', persons: 1, since: s(1) }] });
  });

  it('a camera gone stale or offline counts nobody: unknown is neither zero nor the last count carried on', () => {
    const o = new HallOccupancy();
    o.count('c1', s(0), 3000, [{ zone: 'waiting:0', persons: 3 }]);
    o.count('c2', s(0), 3000, [{ zone: 'counter:w1', windowId: 'w1', persons: 1 }]);
    o.lost('c2', s(1));
    expect(o.live(s(1)).waiting).toBe(3);
    // Nothing from c1 for longer than its readings stand.
    expect(o.live(s(4))).toEqual({ waiting: 0, waitingSince: null, at: null, windows: [] });
    // Counting again after the break is a new wait.
    o.count('c1', s(10), 3000, [{ zone: 'waiting:0', persons: 1 }]);
    expect(liveOccupancy(JSON.parse(JSON.stringify(o.snapshot())), s(10))).toMatchObject({ waiting: 1, waitingSince: s(10) });
  });

  it('nobody waiting ends the wait; a redelivered reading changes nothing', () => {
    const o = new HallOccupancy();
    o.count('c1', s(0), 3000, [{ zone: 'waiting:0', persons: 2 }]);
    o.count('c1', s(1), 3000, [{ zone: 'waiting:0', persons: 0 }]);
    o.count('c1', s(0), 3000, [{ zone: 'waiting:0', persons: 2 }]);
    o.count('c1', s(2), 3000, [{ zone: 'waiting:0', persons: 1 }]);
    expect(o.live(s(2))).toMatchObject({ waiting: 1, waitingSince: s(2) });
  });

  it("knows the hall's count only while every one of its counting zones is fresh", () => {
    const o = new HallOccupancy();
    const zones = ['waiting:0', 'counter:w1'];
    o.count('c1', s(0), 3000, [{ zone: 'waiting:0', persons: 3 }]);
    expect(o.waitingCount(s(0), zones)).toBeNull(); // counter:w1 never seen
    o.count('c2', s(1), 3000, [{ zone: 'counter:w1', windowId: 'w1', persons: 0 }]);
    expect(o.waitingCount(s(1), zones)).toBe(3);
    o.lost('c2', s(2));
    expect(o.waitingCount(s(2), zones)).toBeNull(); // never 3, nor 3 + the last count
    expect(o.waitingCount(s(2), [])).toBeNull(); // a hall with no counting zone knows nobody waiting
  });
});
