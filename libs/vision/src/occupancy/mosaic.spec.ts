import { Detection, Detector } from '../detector/detector.interface';
import { MosaicPacker, renderTile, tileBoxToFrame, tileOf } from './mosaic';

/** Reports one person box per bright (R > 200) tile-sized block of its input, and remembers its inputs. */
class BlockDetector implements Detector {
  readonly name = 'blocks';
  readonly backend = 'none';
  readonly inputs: Uint8Array[] = [];
  constructor(
    readonly inputSize: number,
    private readonly block: number,
  ) {}

  async detect(rgb: Uint8Array): Promise<Detection[]> {
    this.inputs.push(rgb);
    const found: Detection[] = [];
    for (let top = 0; top + this.block <= this.inputSize; top += this.block) {
      for (let left = 0; left + this.block <= this.inputSize; left += this.block) {
        const centre = ((top + this.block / 2) * this.inputSize + left + this.block / 2) * 3;
        if (rgb[centre] > 200) found.push({ box: [left + 1, top + 2, left + 5, top + 6], score: 0.9, isPerson: true });
      }
    }
    return found;
  }
}

const tile = (size: number, value: number) => new Uint8Array(size * size * 3).fill(value);

describe('mosaic', () => {
  it('scales a crop to fit its tile, aspect kept', () => {
    expect(tileOf({ x: 0, y: 0, width: 100, height: 100 }, 256).scale).toBeCloseTo(2.56);
    expect(tileOf({ x: 200, y: 50, width: 50, height: 100 }, 256).scale).toBeCloseTo(2.56);
  });

  it('maps a box in tile pixels back to frame fractions, and nothing centred in the padding', () => {
    // The crop covers x 200..250, y 50..150 of a 400x200 frame; the box is its left half.
    const t = tileOf({ x: 200, y: 50, width: 50, height: 100 }, 256);
    const [x1, y1, x2, y2] = tileBoxToFrame([0, 0, 25 * 2.56, 100 * 2.56], t, 400, 200)!;
    expect([x1 * 400, y1 * 200, x2 * 400, y2 * 200].map(Math.round)).toEqual([200, 50, 225, 150]);
    // The right half of the tile is padding (the crop is half as wide as tall).
    expect(tileBoxToFrame([204, 10, 244, 50], t, 400, 200)).toBeUndefined();
  });

  it('renders a crop at the top-left of its tile, the padding black', async () => {
    const [width, height] = [300, 200];
    const data = new Uint8Array(width * height * 3);
    // The top-left 100x100 is white, the rest black.
    for (let y = 0; y < 100; y++) data.fill(255, y * width * 3, (y * width + 100) * 3);
    const wide = await renderTile({ data, width, height, at: 0 }, tileOf({ x: 0, y: 0, width: 200, height: 100 }, 64));
    const pixel = (x: number, y: number) => wide[(y * 64 + x) * 3];
    expect(pixel(10, 10)).toBe(255); // the white half of the crop
    expect(pixel(50, 10)).toBe(0); // its black half
    expect(pixel(10, 40)).toBe(0); // below the crop: padding
  });

  it('packs the tiles of several requests into one pass and answers each in its own tile pixels', async () => {
    const detector = new BlockDetector(96, 32);
    const packer = new MosaicPacker(detector, 3, { gatherMs: 5 });
    const [first, second] = await Promise.all([
      packer.detect([tile(32, 255), tile(32, 0)]),
      packer.detect([tile(32, 0), tile(32, 0), tile(32, 255)]),
    ]);
    expect(packer.passes).toBe(1);
    expect(first).toEqual([[expect.objectContaining({ box: [1, 2, 5, 6] })], []]);
    expect(second).toEqual([[], [], [expect.objectContaining({ box: [1, 2, 5, 6] })]]);
    // The fifth tile sits in the middle of the second row of the mosaic.
    expect(detector.inputs[0][((32 + 16) * 96 + 32 + 16) * 3]).toBe(255);
  });

  it('runs more tiles than one input holds in several passes, in arrival order', async () => {
    const detector = new BlockDetector(64, 32);
    const packer = new MosaicPacker(detector, 2, { gatherMs: 0 });
    const answers = await packer.detect([tile(32, 0), tile(32, 0), tile(32, 0), tile(32, 0), tile(32, 255)]);
    expect(packer.passes).toBe(2);
    expect(answers.map((a) => a.length)).toEqual([0, 0, 0, 0, 1]);
  });

  it('lets background tiles fill a pass that has room, and runs them alone only after their wait', async () => {
    const detector = new BlockDetector(64, 32);
    const packer = new MosaicPacker(detector, 2, { gatherMs: 0, backgroundWaitMs: 60_000 });
    const later = packer.detect([tile(32, 255)], true);
    const [now] = await packer.detect([tile(32, 0)]);
    expect(now).toEqual([]);
    expect((await later)[0]).toHaveLength(1);
    expect(packer.passes).toBe(1);
    expect(packer.tiles).toBe(2);

    jest.useFakeTimers();
    try {
      const fresh = new BlockDetector(64, 32);
      const answer = new MosaicPacker(fresh, 2, { backgroundWaitMs: 1000 }).detect([tile(32, 0)], true);
      await jest.advanceTimersByTimeAsync(999);
      expect(fresh.inputs).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      expect(await answer).toEqual([[]]);
      expect(fresh.inputs).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('fails every request of a failed pass, then goes on', async () => {
    const detector = new BlockDetector(64, 32);
    const packer = new MosaicPacker(detector, 2, { gatherMs: 0 });
    const real = detector.detect.bind(detector);
    detector.detect = () => Promise.reject(new Error('backend lost'));
    await expect(packer.detect([tile(32, 255)])).rejects.toThrow('backend lost');
    detector.detect = real;
    expect(await packer.detect([tile(32, 255)])).toHaveLength(1);
    await expect(packer.detect([tile(31, 0)])).rejects.toThrow(/32x32/);
  });
});
