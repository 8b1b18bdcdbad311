/**
 * The detector in a worker thread, as the inference service runs it (WorkerDetector). The worker
 * runs the built JavaScript, so this needs dist/ (npm test builds first).
 */
import * as path from 'node:path';
import { loadDetector } from '@hallwatch/vision';
import type { WorkerDetector } from '../../libs/vision/src/detector/worker-detector';

const ROOT = path.resolve(__dirname, '..', '..');
const built = require(path.join(ROOT, 'dist', 'libs', 'vision', 'src', 'detector', 'worker-detector.js')) as {
  WorkerDetector: typeof WorkerDetector;
};

describe('WorkerDetector', () => {
  jest.setTimeout(120_000);

  it('answers as the detector does in-process, fails a pass whose worker dies, and starts a new worker for the next', async () => {
    const logged: string[] = [];
    const worker = await built.WorkerDetector.start({ log: (m) => logged.push(m) });
    const here = await loadDetector();
    expect([worker.name, worker.inputSize]).toEqual([here.name, here.inputSize]);
    expect(logged.some((m) => m.startsWith('tfjs backend:'))).toBe(true);

    // A textured input the model finds things in; the same model must find the same things.
    const input = new Uint8Array(here.inputSize * here.inputSize * 3).map((_, i) => (i * 7) % 251);
    const expected = await here.detect(input);
    expect(expected.length).toBeGreaterThan(0);
    expect(await worker.detect(input)).toEqual(expected);
    expect(input[7]).toBe(49); // the caller's buffer is not handed over

    const lost = worker.detect(input);
    await worker.stop();
    await expect(lost).rejects.toThrow(/detector worker exited/);
    expect(await worker.detect(input)).toEqual(expected);
    await worker.stop();
  });
});
