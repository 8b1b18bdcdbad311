import sharp from 'sharp';
import type { Polygon } from '../geometry/zone-geometry';

/** JPEG quality of a masked frame: high, so the zones' pixels stay as the camera sent them. */
const MASKED_JPEG_QUALITY = 90;

/**
 * An SVG, `width` × `height` pixels, with the zones (frame fractions) filled opaque on a transparent
 * ground: where a masked frame keeps the camera's pixels.
 */
export function zoneMaskSvg(zones: readonly Polygon[], width: number, height: number): string {
  const polygons = zones
    .map((zone) => `<polygon points="${zone.map(([x, y]) => `${px(x * width)},${px(y * height)}`).join(' ')}" fill="#fff"/>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${polygons}</svg>`;
}

/** Blur that leaves no face recognisable at the frame's scale: 1/40 of its larger side, at least 4 px. */
export function maskBlurSigma(width: number, height: number): number {
  return Math.max(4, Math.max(width, height) / 40);
}

/**
 * The frame with everything outside the zones blurred (citizens at the counter are not kept): the
 * whole frame blurred, with the zones' own pixels composited back through the zone mask. Works on
 * the decoded JPEG in memory; only the masked result is encoded.
 */
export async function maskOutsideZones(jpeg: Buffer, zones: readonly Polygon[]): Promise<Buffer> {
  const { width, height } = await sharp(jpeg).metadata();
  if (!width || !height) throw new Error('evidence frame has no size');
  const mask = Buffer.from(zoneMaskSvg(zones, width, height));
  const zonesOnly = await sharp(jpeg)
    .ensureAlpha()
    .composite([{ input: mask, blend: 'dest-in' }])
    .png()
    .toBuffer();
  return sharp(jpeg)
    .blur(maskBlurSigma(width, height))
    .composite([{ input: zonesOnly }])
    .jpeg({ quality: MASKED_JPEG_QUALITY })
    .toBuffer();
}

function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}
