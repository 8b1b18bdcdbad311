import { RgbFrame } from '../frame/rgb-frame';
import { changedFraction, regionChanged, regionSignature } from './change-gate';

function frame(paint: (x: number, y: number) => number): RgbFrame {
  const width = 160;
  const height = 90;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(paint(x, y), (y * width + x) * 3, (y * width + x + 1) * 3);
  return { data, width, height, at: 0 };
}

const zone = [0.25, 0.25, 0.75, 0.75] as const;
const thresholds = { cellDelta: 16, changedFraction: 0.1 };
const background = (x: number, y: number) => 60 + ((x * 7 + y * 13) % 50);

describe('change gate', () => {
  it('sees no change between identical frames', () => {
    expect(changedFraction(regionSignature(frame(background), zone), regionSignature(frame(background), zone), 16)).toBe(0);
  });

  it('ignores pixel noise', () => {
    const noisy = frame((x, y) => background(x, y) + ((x * 31 + y * 17) % 9) - 4);
    expect(regionChanged(regionSignature(frame(background), zone), regionSignature(noisy, zone), thresholds)).toBe(false);
  });

  it('notices an object appearing inside the zone', () => {
    const withPerson = frame((x, y) => (x >= 60 && x < 80 && y >= 30 && y < 60 ? 230 : background(x, y)));
    expect(regionChanged(regionSignature(frame(background), zone), regionSignature(withPerson, zone), thresholds)).toBe(true);
  });

  it('ignores changes outside the zone', () => {
    const outside = frame((x, y) => (x < 30 ? 250 : background(x, y)));
    expect(regionChanged(regionSignature(frame(background), zone), regionSignature(outside, zone), thresholds)).toBe(false);
  });
});

describe('region signature', () => {
  it('is the mean luma of each cell of the region, sampled with a stride on large regions', () => {
    // 640x360, region 400x256 px at (80, 64): stride 4 (256 / 64), cells of 25x16 px, each painted one grey.
    const width = 640;
    const height = 360;
    const box = [80 / width, 64 / height, 480 / width, 320 / height] as const;
    const grey = (cx: number, cy: number) => (cx * 16 + cy * 7) % 256;
    const data = new Uint8Array(width * height * 3).fill(255);
    for (let y = 64; y < 320; y++)
      for (let x = 80; x < 480; x++)
        data.fill(grey(Math.floor((x - 80) / 25), Math.floor((y - 64) / 16)), (y * width + x) * 3, (y * width + x + 1) * 3);
    const signature = regionSignature({ data, width, height, at: 0 }, box);
    const expected = Array.from({ length: 256 }, (_, c) => grey(c % 16, Math.floor(c / 16)));
    expect(Array.from(signature).map((v) => Math.round(v * 1000) / 1000)).toEqual(expected);
  });
});
