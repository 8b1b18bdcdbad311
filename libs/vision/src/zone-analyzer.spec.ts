import { Detection, Detector } from './detector/detector.interface';
import { RgbFrame } from './frame/rgb-frame';
import { MosaicPacker } from './occupancy/mosaic';
import { createZoneAnalyzer, ZoneDefinition } from './zone-analyzer';

const WIDTH = 160;
const HEIGHT = 90;

/** A textured background; `figure` paints a bright block over zone A's area when true. */
function frame(at: number, figure: boolean, level = 1): RgbFrame {
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const inFigure = figure && x >= 20 && x < 60 && y >= 20 && y < 80;
      data.fill(Math.round((inFigure ? 240 : 60 + ((x * 7 + y * 13) % 50)) * level), (y * WIDTH + x) * 3, (y * WIDTH + x + 1) * 3);
    }
  }
  return { data, width: WIDTH, height: HEIGHT, at };
}

/** Finds a "person" wherever the detector input has the bright block; optionally a car-like non-person everywhere. */
class FakeDetector implements Detector {
  readonly name = 'fake';
  readonly backend = 'none';
  readonly inputSize = 96;
  calls = 0;
  /** Sees no person at all while set. */
  blind = false;
  constructor(private readonly score = 0.6) {}

  async detect(rgb: Uint8Array): Promise<Detection[]> {
    this.calls++;
    let x1 = Infinity,
      y1 = Infinity,
      x2 = -1,
      y2 = -1;
    for (let y = 0; y < this.inputSize; y++) {
      for (let x = 0; x < this.inputSize; x++) {
        if (rgb[(y * this.inputSize + x) * 3] > 200) {
          x1 = Math.min(x1, x);
          y1 = Math.min(y1, y);
          x2 = Math.max(x2, x + 1);
          y2 = Math.max(y2, y + 1);
        }
      }
    }
    const car: Detection = { box: [0, 0, this.inputSize, this.inputSize], score: 0.9, isPerson: false };
    return x2 < 0 || this.blind ? [car] : [car, { box: [x1, y1, x2, y2], score: this.score, isPerson: true }];
  }
}

const zones: ZoneDefinition[] = [
  {
    id: 'A',
    polygon: [
      [0.125, 0.22],
      [0.375, 0.22],
      [0.375, 0.89],
      [0.125, 0.89],
    ],
  },
  {
    id: 'B',
    polygon: [
      [0.6, 0.22],
      [0.9, 0.22],
      [0.9, 0.89],
      [0.6, 0.89],
    ],
  },
];

describe('zone analyzer', () => {
  it('reports occupancy per zone from person detections only', async () => {
    const analyzer = await createZoneAnalyzer({ zones, detector: new FakeDetector(), tilesPerSide: 2 });
    const results = await analyzer.analyze(frame(0, true));
    expect(results).toEqual([
      expect.objectContaining({ zone: 'A', occupied: true, persons: 1, inferred: true, judgeable: true }),
      expect.objectContaining({ zone: 'B', occupied: false, persons: 0, inferred: true, judgeable: true }),
    ]);
  });

  it('reuses confident answers while the zone is unchanged and re-confirms them at the interval', async () => {
    const detector = new FakeDetector();
    const analyzer = await createZoneAnalyzer({ zones, detector, tilesPerSide: 2, reconfirmMs: 5000 });
    await analyzer.analyze(frame(0, true));
    const reused = await analyzer.analyze(frame(1000, true));
    expect(detector.calls).toBe(1);
    expect(reused.every((r) => !r.inferred)).toBe(true);
    expect(reused[0].occupied).toBe(true);
    await analyzer.analyze(frame(5000, true));
    expect(detector.calls).toBe(2);
  });

  it('runs the detector again as soon as a zone changes', async () => {
    const detector = new FakeDetector();
    const analyzer = await createZoneAnalyzer({ zones, detector, tilesPerSide: 2 });
    await analyzer.analyze(frame(0, true));
    const left = await analyzer.analyze(frame(1000, false));
    expect(detector.calls).toBe(2);
    expect(left[0]).toMatchObject({ occupied: false, inferred: true });
  });

  it('keeps asking the detector while the answer is not confident', async () => {
    const detector = new FakeDetector(0.36);
    const analyzer = await createZoneAnalyzer({ zones, detector, tilesPerSide: 2 });
    await analyzer.analyze(frame(0, true));
    await analyzer.analyze(frame(1000, true));
    expect(detector.calls).toBe(2);
  });

  it('packs more zones than one input holds into several detector passes', async () => {
    const detector = new FakeDetector();
    const analyzer = await createZoneAnalyzer({ zones, detector, tilesPerSide: 1 });
    const results = await analyzer.analyze(frame(0, true));
    expect(detector.calls).toBe(2);
    expect(results.map((r) => r.occupied)).toEqual([true, false]);
  });

  it('re-confirms in the background when asked: the frame keeps the reused answer, the next one has the new', async () => {
    const detector = new FakeDetector();
    const packer = new MosaicPacker(detector, 2, { gatherMs: 0, backgroundWaitMs: 0 });
    const analyzer = await createZoneAnalyzer({ zones, packer, reconfirmMs: 5000, reconfirmInBackground: true });
    await analyzer.analyze(frame(0, true));
    detector.blind = true;
    const reused = await analyzer.analyze(frame(5000, true));
    expect(reused[0]).toMatchObject({ occupied: true, inferred: false });
    for (let i = 0; i < 400 && packer.passes < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(detector.calls).toBe(2);
    const next = await analyzer.analyze(frame(7000, true));
    expect(next[0]).toMatchObject({ occupied: false, inferred: false });
    expect(detector.calls).toBe(2);
  });

  it('does not reuse an answer whose background re-confirmation was lost: the next frame waits for the detector', async () => {
    const detector = new FakeDetector();
    const packer = new MosaicPacker(detector, 2, { gatherMs: 0, backgroundWaitMs: 0 });
    const analyzer = await createZoneAnalyzer({ zones, packer, reconfirmMs: 5000, reconfirmInBackground: true });
    await analyzer.analyze(frame(0, true));
    const lost = jest.spyOn(detector, 'detect').mockRejectedValue(new Error('the detector did not answer within 10000 ms'));
    expect((await analyzer.analyze(frame(5000, true)))[0]).toMatchObject({ occupied: true, inferred: false });
    for (let i = 0; i < 400 && packer.passes < 2; i++) await new Promise((r) => setTimeout(r, 5));
    // The pass is lost: the next frame is not judged from the old answer, it fails with the detector.
    await expect(analyzer.analyze(frame(6000, true))).rejects.toThrow(/did not answer/);
    lost.mockRestore();
    expect((await analyzer.analyze(frame(7000, true)))[0]).toMatchObject({ occupied: true, inferred: true });
  });

  it('shares detector passes between the analyzers of one packer', async () => {
    const detector = new FakeDetector();
    const packer = new MosaicPacker(detector, 2);
    const cameras = await Promise.all([createZoneAnalyzer({ zones, packer }), createZoneAnalyzer({ zones, packer })]);
    const [one, two] = await Promise.all([cameras[0].analyze(frame(0, true)), cameras[1].analyze(frame(0, false))]);
    expect(detector.calls).toBe(1);
    expect(one.map((r) => r.occupied)).toEqual([true, false]);
    expect(two.map((r) => r.occupied)).toEqual([false, false]);
  });

  it('does not judge a black frame', async () => {
    const detector = new FakeDetector();
    const analyzer = await createZoneAnalyzer({ zones, detector, tilesPerSide: 2 });
    const results = await analyzer.analyze(frame(0, true, 0.02));
    expect(results.every((r) => !r.judgeable && !r.occupied && r.confidence === 0)).toBe(true);
    expect(detector.calls).toBe(0);
  });

  it('rejects bad zones and bad frames', async () => {
    await expect(
      createZoneAnalyzer({
        zones: [
          {
            id: 'X',
            polygon: [
              [0, 0],
              [2, 0],
              [0, 1],
            ],
          },
        ],
        detector: new FakeDetector(),
      }),
    ).rejects.toThrow(/zone X/);
    const analyzer = await createZoneAnalyzer({ zones, detector: new FakeDetector() });
    await expect(analyzer.analyze({ data: new Uint8Array(10), width: 160, height: 90, at: 0 })).rejects.toThrow(/RGB24/);
  });
});
