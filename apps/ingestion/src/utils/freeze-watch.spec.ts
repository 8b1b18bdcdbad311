import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { captureOutputOptions, GREY_FD } from './capture-args';
import { FreezeWatch, Picture, samePicture } from './freeze-watch';
import { PgmSplitter } from './pgm-splitter';

const picture = (grey: number[], width = grey.length): Picture => ({ width, height: grey.length / width, grey: Uint8Array.from(grey) });

describe('samePicture', () => {
  it('takes pixels within the tolerance as the same picture, one pixel beyond it as another', () => {
    const a = picture([10, 200, 30, 40]);
    expect(samePicture(a, picture([14, 196, 30, 40]))).toBe(true);
    expect(samePicture(a, picture([10, 200, 35, 40]))).toBe(false);
    expect(samePicture(a, picture([10, 200, 30, 40]), 0)).toBe(true);
    expect(samePicture(a, picture([11, 200, 30, 40]), 0)).toBe(false);
  });

  it('never takes pictures of different sizes for the same', () => {
    expect(samePicture(picture([1, 2, 3, 4], 2), picture([1, 2, 3, 4], 4))).toBe(false);
    expect(samePicture(picture([1, 2]), picture([1, 2, 3, 4]))).toBe(false);
  });
});

describe('FreezeWatch', () => {
  const still = picture([50, 60, 70, 80]);
  const other = picture([50, 60, 70, 90]);

  it('says frozen once the same picture has lasted frozenAfter, counted from its first sample', () => {
    const watch = new FreezeWatch(30_000);
    expect(watch.observe(0, still)).toEqual({ repeated: false });
    expect(watch.observe(2_000, still)).toEqual({ repeated: true, since: 0, frozen: false });
    expect(watch.observe(29_999, still)).toEqual({ repeated: true, since: 0, frozen: false });
    expect(watch.observe(30_000, still)).toEqual({ repeated: true, since: 0, frozen: true });
    expect(watch.observe(90_000, still)).toEqual({ repeated: true, since: 0, frozen: true });
  });

  it('is live again at the first new picture, and counts a new freeze from it', () => {
    const watch = new FreezeWatch(10_000);
    watch.observe(0, still);
    expect(watch.observe(20_000, still)).toMatchObject({ frozen: true });
    expect(watch.observe(22_000, other)).toEqual({ repeated: false });
    expect(watch.observe(24_000, other)).toEqual({ repeated: true, since: 22_000, frozen: false });
    expect(watch.observe(32_000, other)).toEqual({ repeated: true, since: 22_000, frozen: true });
  });

  it('compares with the first sample of the picture, so a slow drift is a new picture', () => {
    const watch = new FreezeWatch(10_000);
    watch.observe(0, picture([100, 100]));
    // Each sample within the tolerance of the one before, the third beyond it of the first.
    expect(watch.observe(2_000, picture([103, 100]))).toMatchObject({ repeated: true });
    expect(watch.observe(4_000, picture([106, 100]))).toEqual({ repeated: false });
  });

  it('refuses a frozenAfter that is not positive', () => {
    expect(() => new FreezeWatch(0)).toThrow(/frozenAfterMs must be > 0/);
  });
});

describe('samePicture on real footage, pictures as ingestion gets them from ffmpeg', () => {
  jest.setTimeout(60_000);
  const MEDIA = path.join(__dirname, '..', '..', '..', '..', 'test', 'media');

  /** The luma planes of a clip's samples from `from` s on, from ingestion's own ffmpeg outputs, one sample per `every` s. */
  function samples(clip: string, every: number, from = 0): Picture[] {
    const spec = { sampleEverySeconds: every, analysisWidth: 640 };
    const run = spawnSync(
      'ffmpeg',
      ['-loglevel', 'error', '-ss', String(from), '-i', path.join(MEDIA, clip), ...captureOutputOptions(spec)],
      {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    if (run.status !== 0) throw new Error(`ffmpeg: ${String(run.stderr)}`);
    return new PgmSplitter().push(run.output[GREY_FD] as Buffer);
  }

  // empty-room from 1 s on, 4 samples a second: a still, empty room a quarter of a second apart.
  it.each([
    ['classroom-seated.mp4', 1, 0],
    ['empty-room.mp4', 0.25, 1],
    ['store-aisle.mp4', 1, 0],
    ['three-standing.mp4', 1, 0],
  ])('%s: no sample is the same picture as the one before (sensor noise, motion)', (clip, every, from) => {
    const pictures = samples(clip, every, from);
    expect(pictures.length).toBeGreaterThanOrEqual(2);
    const same = pictures.slice(1).filter((p, i) => samePicture(pictures[i], p));
    expect(same).toHaveLength(0);
  });

  it('takes the same frame decoded twice for the same picture', () => {
    const [first] = samples('empty-room.mp4', 1);
    const [again] = samples('empty-room.mp4', 1);
    expect(samePicture(first, again, 0)).toBe(true);
  });
});
