import { boxToFrame, layoutMosaic, renderMosaic } from './mosaic';

describe('mosaic', () => {
  const crops = [
    { x: 0, y: 0, width: 100, height: 100 },
    { x: 200, y: 50, width: 50, height: 100 },
  ];

  it('lays crops on a grid, each scaled to fit its tile', () => {
    const tiles = layoutMosaic(crops, 512, 2);
    expect(tiles.map((t) => [t.left, t.top, t.size])).toEqual([
      [0, 0, 256],
      [256, 0, 256],
    ]);
    expect(tiles[0].scale).toBeCloseTo(2.56);
    expect(tiles[1].scale).toBeCloseTo(2.56);
    expect(() => layoutMosaic([...crops, ...crops, crops[0]], 512, 2)).toThrow();
  });

  it('maps a detector box back to frame fractions through the tile holding its centre', () => {
    const tiles = layoutMosaic(crops, 512, 2);
    // Crop 1 covers x 200..250, y 50..150 of a 400x200 frame; the box is its left half.
    const mapped = boxToFrame([256, 0, 256 + 25 * 2.56, 100 * 2.56], tiles, 400, 200);
    expect(mapped?.tile).toBe(1);
    const [x1, y1, x2, y2] = mapped!.box;
    expect([x1 * 400, y1 * 200, x2 * 400, y2 * 200].map(Math.round)).toEqual([200, 50, 225, 150]);
    // The right half of tile 1 is padding (the crop is half as wide as tall): nothing maps there.
    expect(boxToFrame([460, 10, 500, 50], tiles, 400, 200)).toBeUndefined();
  });

  it('renders each crop into its tile', async () => {
    const width = 300;
    const height = 200;
    const data = new Uint8Array(width * height * 3);
    // Crop 0 (top-left 100x100) is white, the rest black.
    for (let y = 0; y < 100; y++) data.fill(255, y * width * 3, (y * width + 100) * 3);
    const tiles = layoutMosaic(crops, 512, 2);
    const image = await renderMosaic({ data, width, height, at: 0 }, tiles, 512);
    const pixel = (x: number, y: number) => image[(y * 512 + x) * 3];
    expect(pixel(128, 128)).toBe(255);
    expect(pixel(300, 100)).toBe(0);
    expect(pixel(128, 400)).toBe(0);
  });
});
