/** A window's zone (fractions of the frame) as an SVG drawn over the frame in a 0–100 box. */
export interface ZoneShape {
  /** The polygon's points, `x,y x,y …` in percent of the frame. */
  points: string;
  /** Where its label goes: the mean of its corners, in fractions of the frame. */
  label: [number, number];
}

export function zoneShape(zone: readonly (readonly [number, number])[]): ZoneShape {
  return {
    points: zone.map(([x, y]) => `${x * 100},${y * 100}`).join(' '),
    label: zone.reduce<[number, number]>((acc, [x, y]) => [acc[0] + x / zone.length, acc[1] + y / zone.length], [0, 0]),
  };
}
