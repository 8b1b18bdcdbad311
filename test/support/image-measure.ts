import type { RgbFrame } from '@hallwatch/vision';

/** Which pixels (x, y) a measure covers. */
export type PixelSet = (x: number, y: number) => boolean;

/** Mean absolute difference per channel between two frames of one size, over `where`. */
export function meanAbsDiff(a: RgbFrame, b: RgbFrame, where: PixelSet): number {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`frames differ in size: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  let sum = 0;
  let n = 0;
  for (let y = 0; y < a.height; y++)
    for (let x = 0; x < a.width; x++) {
      if (!where(x, y)) continue;
      const i = (y * a.width + x) * 3;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
      n += 3;
    }
  return n > 0 ? sum / n : NaN;
}

/** Mean absolute difference between horizontally and vertically adjacent pixels over `where`: low for a blurred area. */
export function roughness(f: RgbFrame, where: PixelSet): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < f.height - 1; y++)
    for (let x = 0; x < f.width - 1; x++) {
      if (!where(x, y)) continue;
      const i = (y * f.width + x) * 3;
      for (let c = 0; c < 3; c++)
        sum += Math.abs(f.data[i + c] - f.data[i + 3 + c]) + Math.abs(f.data[i + c] - f.data[i + f.width * 3 + c]);
      n += 6;
    }
  return n > 0 ? sum / n : NaN;
}
