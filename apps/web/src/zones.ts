/** A window's zone (fractions of the frame) as an SVG drawn over the frame in a 0–100 box. */
export interface ZoneShape {
  /** The polygon's points, `x,y x,y …` in percent of the frame. */
  points: string;
  /** Where its label goes: the mean of its corners, in fractions of the frame. */
  label: [number, number];
}

export type Point = [number, number];

export function zoneShape(zone: readonly (readonly [number, number])[]): ZoneShape {
  return {
    points: zone.map(([x, y]) => `${x * 100},${y * 100}`).join(' '),
    label: zone.reduce<[number, number]>((acc, [x, y]) => [acc[0] + x / zone.length, acc[1] + y / zone.length], [0, 0]),
  };
}

/** A fraction of the frame kept inside it, to the site file's three decimals (a thousandth of the frame is finer than any seat). */
export function fraction(v: number): number {
  return Math.round(Math.min(1, Math.max(0, v)) * 1000) / 1000;
}

/** The zone with its `i`-th vertex moved by (dx, dy), kept inside the frame. */
export function nudge(zone: readonly Point[], i: number, dx: number, dy: number): Point[] {
  return zone.map((p, j) => (j === i ? [fraction(p[0] + dx), fraction(p[1] + dy)] : [p[0], p[1]]));
}

/** What a window is in the site file, as far as the console knows it. */
export interface WindowEntry {
  id: string;
  hall: string;
  name: string;
  department: string;
  camera: string;
  minStaff: number;
  schedule?: string;
}

/**
 * A plain YAML scalar reads back as the same string unless it holds YAML syntax or reads as
 * another type (a number, true, null…); those are written double-quoted, which JSON's escaping is.
 */
function scalar(s: string): string {
  const plain = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^:,[\]{}#]*$/.test(s) && !/\s$/.test(s);
  const other = /^([-+]?(\.?\d[\d._]*([eE][-+]?\d+)?|0x[\da-fA-F]+|0o[0-7]+|\.inf|\.nan)|true|false|yes|no|on|off|null|~)$/i.test(s);
  return plain && !other ? s : JSON.stringify(s);
}

/**
 * The window's whole entry for the `windows:` list of the site file, one flow mapping in the
 * order the site file documents, with `zone` as drawn; `minStaff` only when it is not the default 1.
 */
export function windowEntry(w: WindowEntry, zone: readonly Point[]): string {
  const fields: [string, string][] = [
    ['id', scalar(w.id)],
    ['hall', scalar(w.hall)],
    ['name', scalar(w.name)],
    ['department', scalar(w.department)],
    ['camera', scalar(w.camera)],
    ['zone', `[${zone.map(([x, y]) => `[${x}, ${y}]`).join(', ')}]`],
  ];
  if (w.minStaff !== 1) fields.push(['minStaff', String(w.minStaff)]);
  if (w.schedule) fields.push(['schedule', scalar(w.schedule)]);
  return `- { ${fields.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;
}
