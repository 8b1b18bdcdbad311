import { EvidenceBuffer } from './evidence-buffer';

const frame = (at: number) => ({ at, jpeg: Buffer.from(`jpeg@${at}`) });

describe('EvidenceBuffer', () => {
  it('finds the kept frame nearest a moment, per camera', () => {
    const buffer = new EvidenceBuffer(4);
    [1000, 2000, 3000].forEach((at) => buffer.addFrame('cam-1', frame(at)));
    buffer.addFrame('cam-2', frame(2600));
    expect(buffer.nearest('cam-1', 2600)?.at).toBe(3000);
    expect(buffer.nearest('cam-1', 1400)?.at).toBe(1000);
    expect(buffer.nearest('cam-1', 1500)?.at).toBe(1000);
    expect(buffer.nearest('cam-2', 0)?.at).toBe(2600);
    expect(buffer.nearest('cam-3', 0)).toBeUndefined();
  });

  it('keeps only the newest frames of a camera', () => {
    const buffer = new EvidenceBuffer(3);
    for (let at = 1; at <= 10; at++) buffer.addFrame('cam-1', frame(at * 1000));
    expect(buffer.nearest('cam-1', 0)?.at).toBe(8000);
  });

  it('remembers the last staffed frame of each window', () => {
    const buffer = new EvidenceBuffer();
    buffer.markStaffed('W01', frame(1000));
    buffer.markStaffed('W01', frame(5000));
    buffer.markStaffed('W02', frame(2000));
    expect(buffer.lastStaffedFrame('W01')?.jpeg.toString()).toBe('jpeg@5000');
    expect(buffer.lastStaffedFrame('W02')?.at).toBe(2000);
    expect(buffer.lastStaffedFrame('W03')).toBeUndefined();
  });
});
