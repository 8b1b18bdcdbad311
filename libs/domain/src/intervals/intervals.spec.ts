import fc from 'fast-check';
import { Interval, attendance, clip, complement, contains, intersect, normalize, subtract, totalDuration, union } from './intervals';

const iv = (start: number, end: number): Interval => ({ start, end });

// Small integer coordinates make overlaps and touching edges frequent.
const arbInterval = fc
  .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40 }))
  .map(([start, len]) => iv(start, start + len));
const arbList = fc.array(arbInterval, { maxLength: 12 });

/** Membership of every integer instant in [0, 260): brute-force reference. */
const covered = (xs: readonly Interval[]) => Array.from({ length: 260 }, (_, t) => contains(xs, t));

describe('intervals: examples', () => {
  it('normalize sorts, drops empty and merges overlapping and touching intervals', () => {
    expect(normalize([iv(10, 20), iv(0, 5), iv(5, 7), iv(15, 30), iv(40, 40)])).toEqual([iv(0, 7), iv(10, 30)]);
  });

  it('intersect, subtract, union, clip, complement', () => {
    const a = [iv(0, 10), iv(20, 30)];
    const b = [iv(5, 25)];
    expect(intersect(a, b)).toEqual([iv(5, 10), iv(20, 25)]);
    expect(subtract(a, b)).toEqual([iv(0, 5), iv(25, 30)]);
    expect(union(a, b)).toEqual([iv(0, 30)]);
    expect(clip(a, iv(8, 22))).toEqual([iv(8, 10), iv(20, 22)]);
    expect(complement(a, iv(-5, 35))).toEqual([iv(-5, 0), iv(10, 20), iv(30, 35)]);
    expect(totalDuration([iv(0, 10), iv(5, 15)])).toBe(15);
  });

  it('contains is start-inclusive and end-exclusive', () => {
    expect(contains([iv(10, 20)], 10)).toBe(true);
    expect(contains([iv(10, 20)], 20)).toBe(false);
  });

  it('attendance splits a 09:00-12:00 morning into staffed, absent and unknown hours', () => {
    const h = 3_600_000;
    // Scheduled 9-12. Seen staffed 8-10 (the hour before opening is ignored) and 11:30-12;
    // seen absent 10-10:30 and 11:15-11:45 (overlapping staffed time, where staffed wins).
    // 10:30-11:15 has no record at all, so it is unknown, not absent.
    const result = attendance({
      scheduled: [iv(9 * h, 12 * h)],
      staffed: [iv(8 * h, 10 * h), iv(11.5 * h, 12 * h)],
      absent: [iv(10 * h, 10.5 * h), iv(11.25 * h, 11.75 * h)],
    });
    expect(result.scheduledMs).toBe(3 * h);
    expect(result.staffedMs).toBe(1.5 * h); // 9-10 + 11:30-12
    expect(result.absentMs).toBe(0.75 * h); // 10-10:30 + 11:15-11:30
    expect(result.unknownMs).toBe(0.75 * h); // 10:30-11:15
    expect(result.unknown).toEqual([iv(10.5 * h, 11.25 * h)]);
  });
});

describe('intervals: properties', () => {
  it('normalize is idempotent and preserves coverage', () => {
    fc.assert(
      fc.property(arbList, (a) => {
        const n = normalize(a);
        expect(normalize(n)).toEqual(n);
        expect(covered(n)).toEqual(covered(a));
        for (let i = 1; i < n.length; i++) expect(n[i].start).toBeGreaterThan(n[i - 1].end);
      }),
    );
  });

  it('set operations agree with pointwise membership', () => {
    fc.assert(
      fc.property(arbList, arbList, (a, b) => {
        const ca = covered(a);
        const cb = covered(b);
        expect(covered(union(a, b))).toEqual(ca.map((x, t) => x || cb[t]));
        expect(covered(intersect(a, b))).toEqual(ca.map((x, t) => x && cb[t]));
        expect(covered(subtract(a, b))).toEqual(ca.map((x, t) => x && !cb[t]));
      }),
    );
  });

  it('intersect is a subset of both operands', () => {
    fc.assert(
      fc.property(arbList, arbList, (a, b) => {
        const i = intersect(a, b);
        expect(subtract(i, a)).toEqual([]);
        expect(subtract(i, b)).toEqual([]);
      }),
    );
  });

  it('total(a ∪ b) = total(a) + total(b) − total(a ∩ b)', () => {
    fc.assert(
      fc.property(arbList, arbList, (a, b) => {
        expect(totalDuration(union(a, b))).toBe(totalDuration(a) + totalDuration(b) - totalDuration(intersect(a, b)));
      }),
    );
  });

  it('a − b and a ∩ b partition a', () => {
    fc.assert(
      fc.property(arbList, arbList, (a, b) => {
        const minus = subtract(a, b);
        const both = intersect(a, b);
        expect(intersect(minus, both)).toEqual([]);
        expect(union(minus, both)).toEqual(normalize(a));
        expect(totalDuration(minus) + totalDuration(both)).toBe(totalDuration(a));
      }),
    );
  });

  it('clip stays inside the range and complement covers the rest of it', () => {
    fc.assert(
      fc.property(arbList, arbInterval, (a, range) => {
        const inside = clip(a, range);
        expect(subtract(inside, [range])).toEqual([]);
        expect(totalDuration(inside) + totalDuration(complement(a, range))).toBe(range.end - range.start);
      }),
    );
  });

  it('attendance never exceeds scheduled time and its parts sum to it', () => {
    fc.assert(
      fc.property(arbList, arbList, arbList, (scheduled, staffed, absent) => {
        const r = attendance({ scheduled, staffed, absent });
        expect(r.staffedMs).toBeLessThanOrEqual(r.scheduledMs);
        expect(r.staffedMs + r.unknownMs + r.absentMs).toBe(r.scheduledMs);
        expect(intersect(r.staffed, r.absent)).toEqual([]);
        expect(intersect(r.absent, r.unknown)).toEqual([]);
        expect(union(union(r.staffed, r.unknown), r.absent)).toEqual(r.scheduled);
      }),
    );
  });
});
