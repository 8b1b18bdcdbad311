/** The backend order where onnxruntime-node's native library does not load (detector.factory.spec.ts has the rest). */
import { loadDetector } from './detector.factory';

jest.mock('onnxruntime-node', () => {
  throw new Error('libonnxruntime.so.1: cannot open shared object file: No such file or directory');
});

it('falls back where onnxruntime-node does not load, and names the reason in the backend line', async () => {
  const logged: { message: string; level?: 'warn' }[] = [];
  const detector = await loadDetector({ log: (message, level) => logged.push({ message, level }) });
  expect(['tfjs-node', 'wasm']).toContain(detector.backend);
  expect(logged).toHaveLength(1);
  expect(logged[0]).toEqual({
    message: expect.stringMatching(
      new RegExp(`^detector backend: ${detector.backend} \\(.*\\); onnx unavailable: libonnxruntime.so.1: cannot open shared object file`),
    ),
  });
}, 60_000);
