/**
 * The real detector on real footage (test/media: Intel IoT devkit sample-videos, CC BY 4.0).
 * Every sample of every zone must match the expected answer.
 */
import * as path from 'node:path';
import { sampleVideo } from './frame/video-frame-source';
import { createZoneAnalyzer } from './zone-analyzer';
import { readZonesFile } from './zones/zones-file';

const MEDIA = path.resolve(__dirname, '..', '..', '..', 'test', 'media');
type Expected = { id: string; occupied: boolean; polygon: [number, number][] };
const rect = (x1: number, y1: number, x2: number, y2: number): [number, number][] => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
];

/** Wrong answers as "t zone", for samples at or after `from` seconds. */
async function mistakes(clip: string, zones: Expected[], every: number, from = 0): Promise<{ wrong: string[]; samples: number }> {
  const analyzer = await createZoneAnalyzer({ zones });
  const wrong: string[] = [];
  let samples = 0;
  for await (const frame of sampleVideo(path.join(MEDIA, clip), every)) {
    samples++;
    for (const result of await analyzer.analyze(frame)) {
      const expected = zones.find((z) => z.id === result.zone)!.occupied;
      if (frame.at >= from * 1000 && result.occupied !== expected) wrong.push(`${frame.at / 1000}s ${result.zone}`);
    }
  }
  return { wrong, samples };
}

describe('zone occupancy on real footage', () => {
  jest.setTimeout(120_000);

  it('classroom-seated: every sample of the 7 zones matches classroom-seated.zones.json', async () => {
    const file = await readZonesFile(path.join(MEDIA, 'classroom-seated.zones.json'));
    const raw = require(path.join(MEDIA, 'classroom-seated.zones.json')) as { zones: { id: string; expected: string }[] };
    const zones = file.map((z) => ({ ...z, occupied: raw.zones.find((r) => r.id === z.id)!.expected === 'occupied' })) as Expected[];
    const { wrong, samples } = await mistakes('classroom-seated.mp4', zones, 1);
    expect(samples).toBe(30);
    expect(wrong).toEqual([]);
  });

  it('empty-room: no zone of a grid over the whole frame is occupied after 1 s', async () => {
    const zones: Expected[] = [];
    for (let row = 0; row < 2; row++) {
      for (let col = 0; col < 3; col++)
        zones.push({ id: `G${row}${col}`, occupied: false, polygon: rect(col / 3, row / 2, (col + 1) / 3, (row + 1) / 2) });
    }
    zones.push({ id: 'DOOR', occupied: false, polygon: rect(0, 0.05, 0.12, 0.6) });
    const { wrong } = await mistakes('empty-room.mp4', zones, 0.5, 1);
    expect(wrong).toEqual([]);
  });

  it('three-standing: three large, close, overlapping people each fill their zone; the window beside them is empty', async () => {
    const zones: Expected[] = [
      { id: 'P1', occupied: true, polygon: rect(0.08, 0.35, 0.3, 1) },
      { id: 'P2', occupied: true, polygon: rect(0.36, 0.3, 0.58, 1) },
      { id: 'P3', occupied: true, polygon: rect(0.58, 0.35, 0.78, 1) },
      { id: 'WINDOW', occupied: false, polygon: rect(0.88, 0.2, 1, 0.9) },
    ];
    expect((await mistakes('three-standing.mp4', zones, 0.5)).wrong).toEqual([]);
  });

  it('store-aisle: people standing and walking, some with their backs to the camera, occupy the aisle; shelves stay empty', async () => {
    const zones: Expected[] = [
      { id: 'AISLE', occupied: true, polygon: rect(0.55, 0.2, 0.85, 1) },
      { id: 'SHELF', occupied: false, polygon: rect(0, 0.05, 0.2, 0.6) },
      { id: 'PILE', occupied: false, polygon: rect(0.27, 0.6, 0.5, 1) },
    ];
    expect((await mistakes('store-aisle.mp4', zones, 0.5)).wrong).toEqual([]);
  });
});
