import * as path from 'node:path';
import sharp from 'sharp';
import { pointInPolygon, type Polygon } from '../geometry/zone-geometry';
import { maskBlurSigma, maskOutsideZones, zoneMaskSvg } from './evidence-mask';
import { decodeJpeg, type RgbFrame } from './rgb-frame';
import { sampleVideo } from './video-frame-source';
import { meanAbsDiff, roughness } from '../../../../test/support/image-measure';

const MEDIA = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'media');

describe('zoneMaskSvg', () => {
  it('draws each zone in pixels of the frame, and nothing else', () => {
    const svg = zoneMaskSvg(
      [
        [
          [0.1, 0.2],
          [0.5, 0.2],
          [0.5, 0.6],
        ],
      ],
      480,
      270,
    );
    // 0.1 × 480 = 48, 0.2 × 270 = 54, 0.5 × 480 = 240, 0.6 × 270 = 162.
    expect(svg).toContain('width="480" height="270"');
    expect(svg.match(/<polygon /g)).toHaveLength(1);
    expect(svg).toContain('points="48,54 240,54 240,162"');
  });

  it('is empty of polygons when the camera watches no zone (the whole frame is blurred)', () => {
    expect(zoneMaskSvg([], 640, 360)).not.toContain('<polygon');
  });
});

describe('maskBlurSigma', () => {
  it('scales with the frame and never falls below 4 px', () => {
    expect(maskBlurSigma(480, 270)).toBe(12); // 480 / 40
    expect(maskBlurSigma(1920, 1080)).toBe(48);
    expect(maskBlurSigma(100, 60)).toBe(4);
  });
});

describe('maskOutsideZones on a real clip frame (classroom-seated.mp4)', () => {
  jest.setTimeout(60_000);
  // Two seated people's desks: zones A and D of classroom-seated.zones.json.
  const zones: Polygon[] = [
    [
      [0.08, 0.45],
      [0.25, 0.45],
      [0.25, 0.9],
      [0.08, 0.9],
    ],
    [
      [0.58, 0.48],
      [0.76, 0.48],
      [0.76, 0.92],
      [0.58, 0.92],
    ],
  ];
  let original: RgbFrame;
  let masked: RgbFrame;

  beforeAll(async () => {
    for await (const frame of sampleVideo(path.join(MEDIA, 'classroom-seated.mp4'), 1)) {
      original = frame;
      break;
    }
    const jpeg = await sharp(Buffer.from(original.data), { raw: { width: original.width, height: original.height, channels: 3 } })
      .jpeg({ quality: 95 })
      .toBuffer();
    original = await decodeJpeg(jpeg, 0); // what the camera sent, as a JPEG decodes
    masked = await decodeJpeg(await maskOutsideZones(jpeg, zones), 0);
  });

  // Fractions to pixels, and the pixels well inside / well outside every zone (the blur and the
  // mask's anti-aliased edge reach a few pixels across the border).
  const margin = 0.03;
  const at = (x: number, y: number): [number, number] => [(x + 0.5) / original.width, (y + 0.5) / original.height];
  const inside: (x: number, y: number) => boolean = (x, y) => {
    const [fx, fy] = at(x, y);
    return zones.some(
      (z) =>
        pointInPolygon(fx, fy, z) && [-margin, margin].every((d) => pointInPolygon(fx + d, fy + d, z) && pointInPolygon(fx - d, fy + d, z)),
    );
  };
  const outside = (x: number, y: number) => {
    const [fx, fy] = at(x, y);
    return zones.every((z) => [-margin, 0, margin].every((dx) => [-margin, 0, margin].every((dy) => !pointInPolygon(fx + dx, fy + dy, z))));
  };

  it('keeps the size of the frame', () => {
    expect([masked.width, masked.height]).toEqual([original.width, original.height]);
  });

  it('keeps the pixels inside the zones, within JPEG re-encoding', () => {
    // A quality-90 re-encode of a quality-95 JPEG moves a channel by ~1-2 levels on average.
    expect(meanAbsDiff(original, masked, inside)).toBeLessThan(3);
    // Not smoothed: as rough as before (re-encoding adds a little block noise, never less detail).
    expect(roughness(masked, inside)).toBeGreaterThan(0.9 * roughness(original, inside));
  });

  it('blurs every pixel outside the zones: smooth, and no longer the original', () => {
    const before = roughness(original, outside);
    const after = roughness(masked, outside);
    process.stdout.write(
      `mask: outside roughness ${before.toFixed(2)} -> ${after.toFixed(2)}, outside diff ${meanAbsDiff(original, masked, outside).toFixed(2)}, inside diff ${meanAbsDiff(original, masked, inside).toFixed(2)}\n`,
    );
    expect(after).toBeLessThan(before / 4);
    expect(meanAbsDiff(original, masked, outside)).toBeGreaterThan(5 * meanAbsDiff(original, masked, inside));
  });
});
