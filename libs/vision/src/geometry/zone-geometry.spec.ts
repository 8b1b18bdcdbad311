import {
  boxZoneOverlap,
  intersectionOverUnion,
  isValidPolygon,
  pointInPolygon,
  polygonArea,
  Polygon,
  centreIn,
  zoneCropRect,
  zoneParts,
} from './zone-geometry';

const square: Polygon = [
  [0.2, 0.2],
  [0.6, 0.2],
  [0.6, 0.6],
  [0.2, 0.6],
];
const triangle: Polygon = [
  [0, 0],
  [1, 0],
  [0, 1],
];

describe('zone geometry', () => {
  it('computes polygon area whatever the orientation', () => {
    expect(polygonArea(square)).toBeCloseTo(0.16);
    expect(polygonArea([...square].reverse())).toBeCloseTo(0.16);
    expect(polygonArea(triangle)).toBeCloseTo(0.5);
  });

  it('tells points inside a polygon from points outside', () => {
    expect(pointInPolygon(0.4, 0.4, square)).toBe(true);
    expect(pointInPolygon(0.7, 0.4, square)).toBe(false);
    expect(pointInPolygon(0.2, 0.2, triangle)).toBe(true);
    expect(pointInPolygon(0.8, 0.8, triangle)).toBe(false);
  });

  it('accepts only polygons of 3+ points inside 0..1 with an area', () => {
    expect(isValidPolygon(square)).toBe(true);
    expect(
      isValidPolygon([
        [0, 0],
        [1, 0],
      ]),
    ).toBe(false);
    expect(
      isValidPolygon([
        [0, 0],
        [1.2, 0],
        [0, 1],
      ]),
    ).toBe(false);
    expect(
      isValidPolygon([
        [0, 0],
        [-0.1, 0.5],
        [0, 1],
      ]),
    ).toBe(false);
    expect(
      isValidPolygon([
        [0, 0],
        [0.5, 0.5],
        [1, 1],
      ]),
    ).toBe(false);
  });

  it('measures box/zone overlap relative to the smaller of the two', () => {
    expect(boxZoneOverlap([0.3, 0.3, 0.5, 0.5], square)).toBeCloseTo(1);
    expect(boxZoneOverlap([0.7, 0.7, 0.9, 0.9], square)).toBe(0);
    expect(boxZoneOverlap([0.4, 0.3, 0.8, 0.5], square)).toBeCloseTo(0.5, 1);
    // A box much larger than the zone that covers it: the zone is full.
    expect(boxZoneOverlap([0, 0, 1, 1], square)).toBeCloseTo(1);
    // Only the part of the box inside the triangle counts.
    expect(boxZoneOverlap([0.5, 0.5, 1, 1], triangle)).toBeLessThan(0.05);
  });

  it('computes intersection over union', () => {
    expect(intersectionOverUnion([0, 0, 2, 2], [0, 0, 2, 2])).toBe(1);
    expect(intersectionOverUnion([0, 0, 2, 2], [1, 0, 3, 2])).toBeCloseTo(1 / 3);
    expect(intersectionOverUnion([0, 0, 1, 1], [2, 2, 3, 3])).toBe(0);
  });

  it('crops a square with context around a zone, inside the frame', () => {
    const crop = zoneCropRect(
      [
        [0.4, 0.4],
        [0.5, 0.4],
        [0.5, 0.6],
        [0.4, 0.6],
      ],
      1000,
      500,
      0.5,
    );
    // Zone is 100x100 px at (400,200); grown by 50 px each side.
    expect(crop).toEqual({ x: 350, y: 150, width: 200, height: 200 });
    const corner = zoneCropRect(
      [
        [0, 0],
        [0.1, 0],
        [0.1, 0.1],
        [0, 0.1],
      ],
      1000,
      500,
      1,
    );
    expect(corner.x).toBe(0);
    expect(corner.y).toBe(0);
    const wide = zoneCropRect(
      [
        [0, 0.1],
        [1, 0.1],
        [1, 0.9],
        [0, 0.9],
      ],
      1000,
      500,
      0.3,
    );
    expect(wide).toEqual({ x: 0, y: 0, width: 1000, height: 500 });
  });
});

describe('zoneParts', () => {
  it('cuts a large zone into cells of at most maxSide pixels, covering it all, each cropped with context', () => {
    const zone = [
      [0, 0.5],
      [1, 0.5],
      [1, 1],
      [0, 1],
    ] as const;
    const parts = zoneParts(zone, 640, 360, 0, 200);
    // 640 x 180 pixels: 4 columns of 160, 1 row.
    expect(parts.map((p) => p.cell)).toEqual([0, 1, 2, 3].map((c) => [c / 4, 0.5, (c + 1) / 4, 1]));
    for (const p of parts) expect(Math.max(p.crop.width, p.crop.height)).toBeLessThanOrEqual(200);
  });

  it('a zone smaller than maxSide is one part, cropped as zoneCropRect does', () => {
    const zone = [
      [0.1, 0.1],
      [0.2, 0.1],
      [0.2, 0.2],
      [0.1, 0.2],
    ] as const;
    expect(zoneParts(zone, 640, 360, 0.3, 200).map((p) => p.crop)).toEqual([zoneCropRect(zone, 640, 360, 0.3)]);
  });

  it('a box centred on the edge between two cells belongs to one of them only', () => {
    const box = [0.2, 0.2, 0.3, 0.4] as const; // centre x 0.25
    expect([centreIn(box, [0, 0, 0.25, 1]), centreIn(box, [0.25, 0, 0.5, 1])]).toEqual([false, true]);
    expect(centreIn([0.9, 0.9, 1, 1], [0.5, 0.5, 1, 1])).toBe(true);
  });
});
