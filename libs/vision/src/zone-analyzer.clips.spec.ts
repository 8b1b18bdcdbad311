/**
 * The real detector (the default backend) on real footage (test/support/clip-scenarios.ts).
 * Every sample of every zone must match the expected answer.
 */
import { CLIP_SCENARIOS, clipFrames } from '../../../test/support/clip-scenarios';
import { createZoneAnalyzer } from './zone-analyzer';

describe('zone occupancy on real footage', () => {
  jest.setTimeout(120_000);

  it.each(CLIP_SCENARIOS.map((s) => [s.title, s] as const))('%s', async (_title, scenario) => {
    const zones = await scenario.zones();
    const analyzer = await createZoneAnalyzer({ zones });
    // Wrong answers as "t zone".
    const wrong: string[] = [];
    let samples = 0;
    for await (const frame of clipFrames(scenario)) {
      samples++;
      for (const result of await analyzer.analyze(frame)) {
        const expected = zones.find((z) => z.id === result.zone)!.occupied;
        if (frame.at >= scenario.from * 1000 && result.occupied !== expected) wrong.push(`${frame.at / 1000}s ${result.zone}`);
      }
    }
    if (scenario.samples !== undefined) expect(samples).toBe(scenario.samples);
    expect(wrong).toEqual([]);
  });
});

describe('persons counted in a large split zone on real footage', () => {
  jest.setTimeout(120_000);

  it('a waiting zone over the whole classroom-seated frame counts its 4 seated people in every sample', async () => {
    const scenario = CLIP_SCENARIOS.find((s) => s.clip === 'classroom-seated.mp4')!;
    const whole: [number, number][] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    const analyzer = await createZoneAnalyzer({ zones: [{ id: 'waiting', polygon: whole, split: true }] });
    const counts: number[] = [];
    for await (const frame of clipFrames(scenario)) counts.push((await analyzer.analyze(frame))[0].persons);
    expect(counts).toEqual(new Array(30).fill(4));
  });
});
