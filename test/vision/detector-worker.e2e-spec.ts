/**
 * The detector in a worker thread, as the inference service runs it (WorkerDetector). The worker
 * runs the built JavaScript, so this needs dist/ (npm test builds first).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { loadDetector, sampleVideo } from '@hallwatch/vision';
import type { WorkerDetector } from '../../libs/vision/src/detector/worker-detector';

const ROOT = path.resolve(__dirname, '..', '..');
const built = require(path.join(ROOT, 'dist', 'libs', 'vision', 'src', 'detector', 'worker-detector.js')) as {
  WorkerDetector: typeof WorkerDetector;
};

/** A detector input the model finds people in: the first frame of three-standing.mp4, squeezed to `size` a side. */
async function peopleInput(size: number): Promise<Uint8Array> {
  for await (const frame of sampleVideo(path.join(ROOT, 'test', 'media', 'three-standing.mp4'), 1)) {
    const raw = { width: frame.width, height: frame.height, channels: 3 } as const;
    return new Uint8Array(await sharp(Buffer.from(frame.data), { raw }).resize(size, size, { fit: 'fill' }).raw().toBuffer());
  }
  throw new Error('three-standing.mp4 gave no frame');
}

describe('WorkerDetector', () => {
  jest.setTimeout(120_000);

  it('answers as the detector does in-process, fails a pass whose worker dies, and starts a new worker for the next', async () => {
    const logged: string[] = [];
    const worker = await built.WorkerDetector.start({ log: (m) => logged.push(m) });
    const here = await loadDetector();
    expect([worker.name, worker.inputSize]).toEqual([here.name, here.inputSize]);
    expect(logged.some((m) => m.startsWith('detector backend: onnx '))).toBe(true);

    // An input the model finds people in; the same model must find the same people.
    const input = await peopleInput(here.inputSize);
    const copy = input.slice();
    const expected = await here.detect(input);
    expect(expected.length).toBeGreaterThan(0);
    expect(await worker.detect(input)).toEqual(expected);
    expect(input).toEqual(copy); // the caller's buffer is not handed over

    const lost = worker.detect(input);
    await worker.stop();
    await expect(lost).rejects.toThrow(/detector worker exited/);
    expect(await worker.detect(input)).toEqual(expected);
    await worker.stop();
  });

  it('ends a worker whose pass does not answer in time, fails that pass, and answers the next with a new worker', async () => {
    // The real detector behind test/support/hanging-detector.js: a pass blocks its thread while the flag file exists.
    const module = path.join(ROOT, 'test', 'support', 'hanging-detector.js');
    const hang = (require(module) as { hangFlag(pid: number): string }).hangFlag(process.pid);
    const logged: string[] = [];
    const worker = await built.WorkerDetector.start({
      module,
      passTimeoutMs: 1000,
      log: (m) => logged.push(m),
    });
    try {
      const input = await peopleInput(worker.inputSize);
      const expected = await worker.detect(input);
      expect(expected.length).toBeGreaterThan(0);
      fs.writeFileSync(hang, '');
      await expect(worker.detect(input)).rejects.toThrow('the detector did not answer within 1000 ms');
      expect(logged).toContain('detector pass not answered within 1000 ms: its worker is ended, the next pass starts a new one');
      fs.rmSync(hang);
      expect(await worker.detect(input)).toEqual(expected);
    } finally {
      fs.rmSync(hang, { force: true });
      await worker.stop();
    }
  });
});
