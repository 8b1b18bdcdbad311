/** A point as fractions of frame width and height (0..1). */
export type Point = readonly [number, number];
export type Polygon = readonly Point[];

/** Axis-aligned box [x1, y1, x2, y2]; the unit (pixels or fractions) is the caller's. */
export type Box = readonly [number, number, number, number];

export function isValidPolygon(polygon: Polygon): boolean {
  return (
    polygon.length >= 3 &&
    polygon.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && x >= 0 && x <= 1 && y >= 0 && y <= 1) &&
    polygonArea(polygon) > 0
  );
}

/** Shoelace area; the orientation of the polygon does not matter. */
export function polygonArea(polygon: Polygon): number {
  let twice = 0;
  for (let i = 0; i < polygon.length; i++) {
    const [x1, y1] = polygon[i];
    const [x2, y2] = polygon[(i + 1) % polygon.length];
    twice += x1 * y2 - x2 * y1;
  }
  return Math.abs(twice) / 2;
}

export function polygonBounds(polygon: Polygon): Box {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Even-odd ray casting. */
export function pointInPolygon(x: number, y: number, polygon: Polygon): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function boxArea(box: Box): number {
  return Math.max(0, box[2] - box[0]) * Math.max(0, box[3] - box[1]);
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const inter = boxArea([Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])]);
  const union = boxArea(a) + boxArea(b) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * How much a box and a zone polygon share, as intersection / min(box area, zone area), both in
 * frame fractions. Dividing by the smaller area lets a person who fills a small zone (box much
 * larger than the zone) and a person standing inside a large zone (zone much larger than the
 * box) both score near 1. The intersection is estimated on a grid over the box, which is
 * exact enough for a threshold and works for any simple polygon.
 */
export function boxZoneOverlap(box: Box, polygon: Polygon, gridSteps = 16): number {
  const area = boxArea(box);
  const zoneArea = polygonArea(polygon);
  if (area <= 0 || zoneArea <= 0) return 0;
  const [zx1, zy1, zx2, zy2] = polygonBounds(polygon);
  if (box[2] <= zx1 || box[0] >= zx2 || box[3] <= zy1 || box[1] >= zy2) return 0;
  const w = (box[2] - box[0]) / gridSteps;
  const h = (box[3] - box[1]) / gridSteps;
  let hits = 0;
  for (let i = 0; i < gridSteps; i++) {
    for (let j = 0; j < gridSteps; j++) {
      if (pointInPolygon(box[0] + (i + 0.5) * w, box[1] + (j + 0.5) * h, polygon)) hits++;
    }
  }
  const intersection = (hits / (gridSteps * gridSteps)) * area;
  return Math.min(1, intersection / Math.min(area, zoneArea));
}

/**
 * The pixel rectangle to crop around a zone: its bounding box grown by `margin` times its
 * larger side on every side (the detector needs context: a person cut at the zone edge looks
 * like half a person), made square where the frame allows so resizing does not distort people,
 * and clamped to the frame. Returns integer pixels [x, y, width, height].
 */
export function zoneCropRect(
  polygon: Polygon,
  frameWidth: number,
  frameHeight: number,
  margin: number,
): { x: number; y: number; width: number; height: number } {
  const [x1, y1, x2, y2] = polygonBounds(polygon);
  const zw = (x2 - x1) * frameWidth;
  const zh = (y2 - y1) * frameHeight;
  const side = Math.max(zw, zh) * (1 + 2 * margin);
  const width = Math.max(1, Math.round(Math.min(Math.max(side, zw), frameWidth)));
  const height = Math.max(1, Math.round(Math.min(Math.max(side, zh), frameHeight)));
  const cx = ((x1 + x2) / 2) * frameWidth;
  const cy = ((y1 + y2) / 2) * frameHeight;
  const x = Math.round(Math.min(Math.max(cx - width / 2, 0), frameWidth - width));
  const y = Math.round(Math.min(Math.max(cy - height / 2, 0), frameHeight - height));
  return { x, y, width, height };
}

/**
 * The parts of a large zone: its bounding box cut into a grid of equal cells at most `maxSide`
 * pixels a side, each cropped like a zone of its own (`margin` of context, see zoneCropRect).
 * A person is counted by the part whose cell holds the centre of their box: where a cell's edge
 * cuts them, its neighbour's crop sees them whole.
 */
export function zoneParts(
  polygon: Polygon,
  frameWidth: number,
  frameHeight: number,
  margin: number,
  maxSide: number,
): { crop: { x: number; y: number; width: number; height: number }; cell: Box }[] {
  const [x1, y1, x2, y2] = polygonBounds(polygon);
  const columns = Math.max(1, Math.ceil(((x2 - x1) * frameWidth) / maxSide));
  const rows = Math.max(1, Math.ceil(((y2 - y1) * frameHeight) / maxSide));
  const [w, h] = [(x2 - x1) / columns, (y2 - y1) / rows];
  const parts = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) {
      const [left, top] = [x1 + c * w, y1 + r * h];
      const cell: Box = [left, top, left + w, top + h];
      const square: Polygon = [
        [left, top],
        [left + w, top],
        [left + w, top + h],
        [left, top + h],
      ];
      parts.push({ crop: zoneCropRect(square, frameWidth, frameHeight, margin), cell });
    }
  return parts;
}

/** Whether the centre of `box` lies in `cell` (half-open, so a centre on a shared edge has one owner; the frame's far edges included). */
export function centreIn(box: Box, cell: Box): boolean {
  const [cx, cy] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  return cx >= cell[0] && (cx < cell[2] || cell[2] >= 1) && cy >= cell[1] && (cy < cell[3] || cell[3] >= 1);
}
