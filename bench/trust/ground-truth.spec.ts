import {
  clipTruth,
  deliveries,
  Feed,
  OPERATION_KINDS,
  planOperations,
  skewAccepted,
  stretches,
  truthAt,
  truthsAt,
  unexplainedSeconds,
} from './ground-truth';
import { seededRandom } from '@hallwatch/stats';

const HALF = 40_000;

describe('trust harness ground truth', () => {
  it('a toggling zone is staffed in the first half of each loop and empty in the second, before the origin too', () => {
    expect(clipTruth('toggling', HALF, 1000, 1000)).toBe('staffed');
    expect(clipTruth('toggling', HALF, 1000, 1000 + HALF - 1)).toBe('staffed');
    expect(clipTruth('toggling', HALF, 1000, 1000 + HALF)).toBe('empty');
    expect(clipTruth('toggling', HALF, 1000, 1000 + 2 * HALF)).toBe('staffed');
    expect(clipTruth('toggling', HALF, 1000, 1000 - 1)).toBe('empty');
    expect(clipTruth('empty', HALF, 1000, 1000)).toBe('empty');
  });

  it('no live feed, a frozen feed or a blackout is no video; a restarted feed starts its clip again', () => {
    const feeds: Feed[] = [
      { from: 0, kind: 'live', origin: 0 },
      { from: 10_000, kind: 'none' },
      { from: 20_000, kind: 'frozen' },
      { from: 30_000, kind: 'live', origin: 30_000 },
    ];
    expect(truthAt('toggling', HALF, feeds, [], 5_000)).toBe('staffed');
    expect(truthAt('toggling', HALF, feeds, [], 15_000)).toBe('no-video');
    expect(truthAt('toggling', HALF, feeds, [], 25_000)).toBe('no-video');
    expect(truthAt('toggling', HALF, feeds, [], 30_000)).toBe('staffed');
    expect(truthAt('toggling', HALF, feeds, [], 30_000 + HALF)).toBe('empty');
    expect(truthAt('toggling', HALF, feeds, [[0, 6_000]], 5_000)).toBe('no-video');
    expect(truthAt('toggling', HALF, feeds, [], -1)).toBe('no-video');
  });

  it('turns changes into stretches clipped to the run', () => {
    const changes = [
      { state: 'absent', since: 5_000 },
      { state: 'unknown', since: -10_000 },
      { state: 'staffed', since: 20_000 },
    ];
    expect(stretches(changes, 0, 30_000)).toEqual([
      { state: 'unknown', from: 0, to: 5_000 },
      { state: 'absent', from: 5_000, to: 20_000 },
      { state: 'staffed', from: 20_000, to: 30_000 },
    ]);
  });

  it('counts absent time with no empty seat within the tolerance before it, and nothing inside the tolerance', () => {
    // Truth: staffed for 40 s, empty for 40 s (origin 0).
    const truth = (t: number) => clipTruth('toggling', HALF, 0, t);
    // Absent from 45 s to 80 s: explained (empty since 40 s).
    expect(unexplainedSeconds([{ state: 'absent', from: 45_000, to: 80_000 }], 'absent', 'empty', truth, 10_000, 2_000)).toBe(0);
    // Still absent until 95 s: the seat is staffed again from 80 s; 10 s of tolerance, then 5 s invented.
    expect(unexplainedSeconds([{ state: 'absent', from: 45_000, to: 95_000 }], 'absent', 'empty', truth, 10_000, 2_000)).toBe(5);
    // Absent in the middle of a staffed half: all of it invented.
    expect(unexplainedSeconds([{ state: 'absent', from: 10_000, to: 20_000 }], 'absent', 'empty', truth, 5_000, 2_000)).toBe(10);
    // Other states are not counted as absent.
    expect(unexplainedSeconds([{ state: 'unknown', from: 10_000, to: 20_000 }], 'absent', 'empty', truth, 5_000, 2_000)).toBe(0);
  });

  it('lets a truth that lasted a fraction of a second explain (seed 4: the seat emptied 0.2 s before a stretch without video)', () => {
    const truth = (t: number) => (t < 280_500 ? 'staffed' : t < 280_700 ? 'empty' : t < 290_500 ? 'no-video' : 'empty');
    const absent = [{ state: 'absent', from: 286_400, to: 300_000 }];
    expect(unexplainedSeconds(absent, 'absent', 'empty', truth, 20_000, 3_000)).toBe(0);
    // Probed only once a second, the 0.2 s are missed and 2 s look invented.
    expect(unexplainedSeconds(absent, 'absent', 'empty', truth, 20_000, 3_000, 1000, 1000)).toBe(2);
  });

  it('counts staffed time while the camera sends nothing, beyond the tolerance', () => {
    const feeds: Feed[] = [
      { from: 0, kind: 'live', origin: 0 },
      { from: 20_000, kind: 'frozen' },
    ];
    const truth = (t: number) => truthAt('toggling', HALF, feeds, [], t);
    expect(unexplainedSeconds([{ state: 'staffed', from: 0, to: 60_000 }], 'staffed', 'staffed', truth, 15_000, 0)).toBe(25);
  });

  it('reads a state stamped by a host running behind against the moment its frames were really captured', () => {
    const truth = (t: number) => clipTruth('toggling', HALF, 0, t);
    // 10 s behind from 30 s to 60 s (wall time): frames captured then carry stamps 20-50 s.
    const skews = [{ from: 30_000, to: 60_000, byMs: -10_000 }];
    expect(truthsAt(truth, skews, 35_000)).toEqual(['staffed', 'empty']);
    expect(truthsAt(truth, skews, 15_000)).toEqual(['staffed']);
    expect(truthsAt(truth, skews, 45_000)).toEqual(['empty', 'empty']);
    expect(truthsAt(truth, skews, 50_000)).toEqual(['empty']);
    // An absence stamped from 35 s on is explained by the skew, and only by it.
    const absent = [{ state: 'absent', from: 35_000, to: 40_000 }];
    expect(unexplainedSeconds(absent, 'absent', 'empty', (t) => truthsAt(truth, skews, t), 0, 0)).toBe(0);
    expect(unexplainedSeconds(absent, 'absent', 'empty', truth, 0, 0)).toBe(5);
  });

  it('takes the capture stamps inference accepts as they are: up to 5 s ahead, 60 s behind', () => {
    expect(skewAccepted(-30_000)).toBe(true);
    expect(skewAccepted(5_000)).toBe(true);
    expect(skewAccepted(3_600_000)).toBe(false);
    expect(skewAccepted(-86_400_000)).toBe(false);
  });

  it('gives every clock-skew operation a skew, and no other', () => {
    const plan = planOperations(11, 60 * 60_000, ['clock-skew', 'camera-stop'], ['cam-1'], []);
    const skews = plan.filter((o) => o.kind === 'clock-skew');
    expect(skews.length).toBeGreaterThan(5);
    for (const o of skews)
      expect(o.skewMs === 3_600_000 || o.skewMs === -86_400_000 || (o.skewMs! <= -3_000 && o.skewMs! >= -30_000)).toBe(true);
    expect(plan.filter((o) => o.kind !== 'clock-skew').every((o) => o.skewMs === undefined)).toBe(true);
  });

  it('names what the statistics lost and what they hold twice', () => {
    expect(deliveries(new Set(['a', 'b', 'c']), ['a', 'c', 'c', 'd'])).toEqual({ lost: ['b'], duplicated: ['c'] });
  });

  it('plans the same operations for the same seed, apart, undone in time, only of the kinds asked for', () => {
    const plan = planOperations(7, 20 * 60_000, OPERATION_KINDS, ['cam-1', 'cam-2'], ['inference', 'reporting']);
    expect(planOperations(7, 20 * 60_000, OPERATION_KINDS, ['cam-1', 'cam-2'], ['inference', 'reporting'])).toEqual(plan);
    expect(planOperations(8, 20 * 60_000, OPERATION_KINDS, ['cam-1', 'cam-2'], ['inference', 'reporting'])).not.toEqual(plan);
    expect(plan.length).toBeGreaterThan(15);
    for (let i = 1; i < plan.length; i++) expect(plan[i].at).toBeGreaterThanOrEqual(plan[i - 1].at + plan[i - 1].lasts + 20_000);
    expect(plan[plan.length - 1].at + plan[plan.length - 1].lasts).toBeLessThanOrEqual(20 * 60_000 - 30_000);
    const only = planOperations(3, 10 * 60_000, ['camera-stop'], ['cam-1'], []);
    expect(new Set(only.map((o) => `${o.kind} ${o.target}`))).toEqual(new Set(['camera-stop cam-1']));
  });

  it('draws numbers in [0, 1) from a seed', () => {
    const next = seededRandom(42);
    const xs = Array.from({ length: 1000 }, next);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});
