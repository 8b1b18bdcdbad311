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

  it('answers as the detector does in-process, lets a pass in flight finish on stop, and starts a new worker for the next', async () => {
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

    // Ending a worker inside onnxruntime's native run would abort the process: stop waits for the pass.
    const inFlight = worker.detect(input);
    await worker.stop();
    await expect(inFlight).resolves.toEqual(expected);
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
      // The hanging module wraps the onnx backend, whose worker is set aside rather than ended (see the next test).
      expect(logged).toContain(
        'detector pass not answered within 1000 ms: its worker is set aside until its native pass returns, the next pass starts a new one',
      );
      fs.rmSync(hang);
      expect(await worker.detect(input)).toEqual(expected);
    } finally {
      fs.rmSync(hang, { force: true });
      await worker.stop();
    }
  });

  it('survives passes that time out inside the native run (ending that thread would abort the process)', async () => {
    // In a process of its own, so an abort shows as its exit status: every pass times out after 1 ms,
    // mid-run; the set-aside worker ends once all three passes posted to it have returned.
    const script = `
      const { WorkerDetector } = require(${JSON.stringify(path.join(ROOT, 'dist', 'libs', 'vision', 'src', 'detector', 'worker-detector.js'))});
      (async () => {
        const logged = [];
        const d = await WorkerDetector.start({ passTimeoutMs: 1, log: (m) => logged.push(m) });
        const input = new Uint8Array(d.inputSize * d.inputSize * 3);
        const answers = await Promise.allSettled([d.detect(input), d.detect(input), d.detect(input)]);
        // Ending the process with a native run in flight would abort it as well: wait for the worker to be ended.
        while (!logged.some((m) => m.includes('is ended'))) await new Promise((r) => setTimeout(r, 100));
        await d.stop();
        console.log(JSON.stringify({ backend: d.backend, answers: answers.map((a) => a.status), setAside: logged.filter((m) => m.includes('set aside until')).length, ended: logged.filter((m) => m.includes('is ended')).length }));
      })();`;
    const { spawnSync } = await import('node:child_process');
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 90_000 });
    expect({ status: run.status, signal: run.signal, stderr: run.stderr.slice(-500) }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({
      backend: 'onnx',
      answers: ['rejected', 'rejected', 'rejected'],
      setAside: 1,
      ended: 1,
    });
  });
});
