import * as path from 'node:path';
import { sampleVideo, selectedTimes } from './video-frame-source';

const CLIP = path.join(__dirname, '..', '..', '..', '..', 'test', 'media', 'empty-room.mp4'); // 12 fps

describe('selectedTimes', () => {
  it('keeps the first frame at or after each multiple of the period, whatever the packet order', () => {
    const frames = [0, 1 / 12, 2 / 12, 3 / 12, 4 / 12, 5 / 12, 6 / 12].reverse();
    expect(selectedTimes(frames, 0.25)).toEqual([0, 3 / 12, 6 / 12]);
    // Sampling faster than the frame rate keeps every frame once, at its own time.
    expect(selectedTimes(frames, 0.05)).toEqual([0, 1 / 12, 2 / 12, 3 / 12, 4 / 12, 5 / 12, 6 / 12]);
  });
});

describe('sampleVideo', () => {
  it("stamps each sample with its frame's own time, not index × period (issue 11, item 11)", async () => {
    const at: number[] = [];
    for await (const frame of sampleVideo(CLIP, 0.05)) at.push(frame.at);
    expect(at.length).toBeGreaterThan(10);
    expect(at.slice(0, 4)).toEqual([0, 83, 167, 250]);
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThan(at[i - 1]);
  }, 60000);
});
