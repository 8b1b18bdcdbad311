/** The worker thread of WorkerDetector: loads the detector, then answers passes one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDetector } from './detector.factory';
import type { WorkerConfig, WorkerMessage } from './worker-detector';

const port = parentPort;
if (!port) throw new Error('detector.worker runs only as a worker thread');
const say = (message: WorkerMessage) => port.postMessage(message);

loadDetector({ ...(workerData as WorkerConfig), log: (message, level) => say({ kind: 'log', message, level }) }).then(
  (detector) => {
    port.on('message', ({ id, rgb }: { id: number; rgb: Uint8Array }) => {
      detector.detect(rgb).then(
        (detections) => say({ kind: 'answer', id, detections }),
        (err: Error) => say({ kind: 'answer', id, error: err.message }),
      );
    });
    say({ kind: 'ready', name: detector.name, backend: detector.backend, inputSize: detector.inputSize });
  },
  (err: Error) => say({ kind: 'failed', error: err.message }),
);
