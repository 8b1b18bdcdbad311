import { Polygon } from '../geometry/zone-geometry';
import { decideOccupancy, OccupancyThresholds, zoneEvidence } from './occupancy-rule';

const zone: Polygon = [
  [0.2, 0.2],
  [0.6, 0.2],
  [0.6, 0.8],
  [0.2, 0.8],
];
const t: OccupancyThresholds = { enter: 0.35, stay: 0.28, minOverlap: 0.4, confidentOccupied: 0.4, confidentEmpty: 0.2 };

describe('occupancy rule', () => {
  it('counts only persons that overlap the zone enough', () => {
    const evidence = zoneEvidence(
      zone,
      [
        { box: [0.25, 0.3, 0.45, 0.75], score: 0.5 },
        { box: [0.65, 0.3, 0.9, 0.75], score: 0.9 },
      ],
      t,
    );
    expect(evidence.best).toBe(0.5);
    expect(evidence.persons).toBe(1);
  });

  it('counts a person found twice once, and two side by side twice', () => {
    const twice = zoneEvidence(
      zone,
      [
        { box: [0.25, 0.3, 0.4, 0.75], score: 0.5 },
        { box: [0.26, 0.3, 0.41, 0.78], score: 0.4 },
      ],
      t,
    );
    expect(twice.persons).toBe(1);
    const two = zoneEvidence(
      zone,
      [
        { box: [0.21, 0.3, 0.39, 0.75], score: 0.5 },
        { box: [0.41, 0.3, 0.59, 0.75], score: 0.45 },
      ],
      t,
    );
    expect(two.persons).toBe(2);
  });

  it('needs the enter score to become occupied but only the stay score to remain so', () => {
    const weak = { best: 0.3, persons: 1 };
    expect(decideOccupancy(weak, false, t).occupied).toBe(false);
    expect(decideOccupancy(weak, true, t).occupied).toBe(true);
    expect(decideOccupancy({ best: 0.36, persons: 1 }, false, t).occupied).toBe(true);
    expect(decideOccupancy({ best: 0.1, persons: 0 }, true, t).occupied).toBe(false);
  });

  it('is confident only clear of the thresholds', () => {
    expect(decideOccupancy({ best: 0.6, persons: 1 }, false, t)).toMatchObject({ occupied: true, confident: true, persons: 1 });
    expect(decideOccupancy({ best: 0.36, persons: 1 }, false, t).confident).toBe(false);
    expect(decideOccupancy({ best: 0.25, persons: 0 }, false, t).confident).toBe(false);
    const empty = decideOccupancy({ best: 0, persons: 0 }, false, t);
    expect(empty).toMatchObject({ occupied: false, confident: true, confidence: 1, persons: 0 });
  });

  it('gives more confidence to a stronger detection', () => {
    const low = decideOccupancy({ best: 0.4, persons: 1 }, false, t).confidence;
    const high = decideOccupancy({ best: 0.65, persons: 1 }, false, t).confidence;
    expect(low).toBeGreaterThanOrEqual(0.5);
    expect(high).toBeGreaterThan(low);
    expect(high).toBeLessThanOrEqual(1);
  });
});
