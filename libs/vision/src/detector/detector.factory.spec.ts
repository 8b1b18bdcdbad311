/**
 * The backend order: onnx where onnxruntime-node loads and the converted model is there, else
 * tfjs-node, else WebAssembly; a backend asked for that cannot start is warned about, the next one
 * used, and the log line that names the backend says why the ones before it were not.
 */
import type { DetectorConfig } from './detector.factory';
import { loadDetector } from './detector.factory';

type Logged = { message: string; level?: 'warn' }[];
const logger =
  (logged: Logged): DetectorConfig['log'] =>
  (message, level) =>
    logged.push({ message, level });

describe('loadDetector backends', () => {
  jest.setTimeout(60_000);

  it('uses onnx when its model is there, and says so', async () => {
    const logged: Logged = [];
    const detector = await loadDetector({ log: logger(logged) });
    expect(logged).toEqual([
      { message: expect.stringMatching(/^detector backend: onnx \(onnxruntime-node [\d.]+, centernet-person-\w+\.onnx, 1 thread\(s\)\)$/) },
    ]);
    expect(detector.backend).toBe('onnx');
  });

  it('falls back from an onnx backend asked for whose model file is missing, with a warning that says why', async () => {
    const logged: Logged = [];
    const detector = await loadDetector({ backend: 'onnx', onnxModelPath: '/nonexistent/centernet.onnx', log: logger(logged) });
    expect(['tfjs-node', 'wasm']).toContain(detector.backend);
    expect(logged[0]).toEqual({
      message: expect.stringMatching(
        /^detector backend onnx was asked for but is unavailable \(no model file \/nonexistent\/centernet\.onnx /,
      ),
      level: 'warn',
    });
    expect(logged.at(-1)).toEqual({
      message: expect.stringMatching(
        new RegExp(`^detector backend: ${detector.backend} \\(.*\\); onnx unavailable: no model file /nonexistent/centernet.onnx `),
      ),
    });
  });

  it('starts a TensorFlow.js backend asked for without trying onnx', async () => {
    const logged: Logged = [];
    const detector = await loadDetector({ backend: 'wasm', log: logger(logged) });
    expect(detector.backend).toBe('wasm');
    expect(logged).toEqual([
      { message: expect.stringMatching(/^detector backend: wasm \(TensorFlow\.js [\d.]+, simd (on|off), threads (on|off)\)$/) },
    ]);
  });
});
