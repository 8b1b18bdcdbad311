/**
 * The footage the zone analyzer is calibrated on (test/media: Intel IoT devkit sample-videos,
 * CC BY 4.0) with the zones and the answer each must give: libs/vision's clip specs run them.
 */
import * as path from 'node:path';
import { readZonesFile, RgbFrame, sampleVideo, ZoneDefinition } from '@hallwatch/vision';

export const MEDIA = path.resolve(__dirname, '..', 'media');

export interface ExpectedZone extends ZoneDefinition {
  readonly occupied: boolean;
}

export interface ClipScenario {
  readonly title: string;
  readonly clip: string;
  /** Seconds between samples, the first at t=0. */
  readonly every: number;
  /** Answers are checked from this many seconds on (the analyzer's first second may still settle). */
  readonly from: number;
  /** Samples the clip must give, when the scenario says. */
  readonly samples?: number;
  zones(): Promise<ExpectedZone[]>;
}

const rect = (x1: number, y1: number, x2: number, y2: number): [number, number][] => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
];

export const CLIP_SCENARIOS: readonly ClipScenario[] = [
  {
    title: 'classroom-seated: every sample of the 7 zones matches classroom-seated.zones.json',
    clip: 'classroom-seated.mp4',
    every: 1,
    from: 0,
    samples: 30,
    async zones() {
      const file = path.join(MEDIA, 'classroom-seated.zones.json');
      const raw = require(file) as { zones: { id: string; expected: string }[] };
      return (await readZonesFile(file)).map((z) => ({ ...z, occupied: raw.zones.find((r) => r.id === z.id)!.expected === 'occupied' }));
    },
  },
  {
    title: 'empty-room: no zone of a grid over the whole frame is occupied after 1 s',
    clip: 'empty-room.mp4',
    every: 0.5,
    from: 1,
    async zones() {
      const zones: ExpectedZone[] = [];
      for (let row = 0; row < 2; row++) {
        for (let col = 0; col < 3; col++)
          zones.push({ id: `G${row}${col}`, occupied: false, polygon: rect(col / 3, row / 2, (col + 1) / 3, (row + 1) / 2) });
      }
      zones.push({ id: 'DOOR', occupied: false, polygon: rect(0, 0.05, 0.12, 0.6) });
      return zones;
    },
  },
  {
    title: 'three-standing: three large, close, overlapping people each fill their zone; the window beside them is empty',
    clip: 'three-standing.mp4',
    every: 0.5,
    from: 0,
    async zones() {
      return [
        { id: 'P1', occupied: true, polygon: rect(0.08, 0.35, 0.3, 1) },
        { id: 'P2', occupied: true, polygon: rect(0.36, 0.3, 0.58, 1) },
        { id: 'P3', occupied: true, polygon: rect(0.58, 0.35, 0.78, 1) },
        { id: 'WINDOW', occupied: false, polygon: rect(0.88, 0.2, 1, 0.9) },
      ];
    },
  },
  {
    title: 'store-aisle: people standing and walking, some with their backs to the camera, occupy the aisle; shelves stay empty',
    clip: 'store-aisle.mp4',
    every: 0.5,
    from: 0,
    async zones() {
      return [
        { id: 'AISLE', occupied: true, polygon: rect(0.55, 0.2, 0.85, 1) },
        { id: 'SHELF', occupied: false, polygon: rect(0, 0.05, 0.2, 0.6) },
        { id: 'PILE', occupied: false, polygon: rect(0.27, 0.6, 0.5, 1) },
      ];
    },
  },
];

/** The scenario's samples, in time order. */
export function clipFrames(scenario: ClipScenario): AsyncIterable<RgbFrame> {
  return sampleVideo(path.join(MEDIA, scenario.clip), scenario.every);
}
