import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DetectorConfig } from './detector.factory';
import { Detection, Detector } from './detector.interface';

/** What the worker says (detector.worker.ts). */
export type WorkerMessage =
  | { kind: 'ready'; name: string; backend: string; inputSize: number }
  | { kind: 'failed'; error: string }
  | { kind: 'log'; message: string; level?: 'warn' }
  | { kind: 'answer'; id: number; detections?: Detection[]; error?: string };

/** The part of a DetectorConfig that crosses to the worker (functions cannot). */
export type WorkerConfig = Omit<DetectorConfig, 'log' | 'inWorker'>;

/**
 * A pass not answered within this is lost (a few hundred milliseconds is usual, seconds under
 * load): its worker is ended or set aside, and the next pass starts a new one.
 */
export const PASS_TIMEOUT_MS = 10_000;

interface Pending {
  worker: Worker;
  timer: NodeJS.Timeout;
  /** Settles with the pass (stop waits for it). */
  answer: Promise<unknown>;
  resolve: (detections: Detection[]) => void;
  reject: (err: Error) => void;
}

/**
 * A detector running in a worker thread. A pass takes a few hundred milliseconds of WebAssembly
 * that would otherwise block the event loop, and with it every frame, database answer and NATS
 * message of the process. A worker that dies fails the passes in flight; the next pass starts a
 * new one. So does a worker that does not answer a pass within `passTimeoutMs` (it is ended, or
 * set aside while onnxruntime's native run goes on): a hung detector must not hold its frames, and
 * with them its cameras' clocks, for ever. The zones of a lost pass
 * are not judged; their windows turn unknown as for any camera that stops being judged.
 */
export class WorkerDetector implements Detector {
  private worker?: Worker;
  /** Workers whose pass timed out inside onnxruntime: ended once every pass posted to them returns. */
  private readonly setAside = new Set<Worker>();
  /** Passes posted to each worker and not answered yet, timed out or not. */
  private readonly posted = new Map<Worker, number>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private constructor(
    private readonly config: WorkerConfig,
    private readonly log: (message: string, level?: 'warn') => void,
    readonly name: string,
    readonly backend: string,
    readonly inputSize: number,
    worker: Worker,
  ) {
    this.adopt(worker);
  }

  static async start(config: DetectorConfig): Promise<WorkerDetector> {
    const { log = () => undefined, inWorker: _, ...rest } = config;
    const { worker, ready } = await spawn(rest, log);
    return new WorkerDetector(rest, log, ready.name, ready.backend, ready.inputSize, worker);
  }

  async detect(rgb: Uint8Array): Promise<Detection[]> {
    if (!this.worker) this.adopt((await spawn(this.config, this.log)).worker);
    const worker = this.worker as Worker;
    const id = this.nextId++;
    const timeoutMs = this.config.passTimeoutMs ?? PASS_TIMEOUT_MS;
    let settle: Omit<Pending, 'answer'> | undefined;
    const answer = new Promise<Detection[]>((resolve, reject) => {
      settle = { worker, timer: setTimeout(() => this.hung(worker, timeoutMs), timeoutMs), resolve, reject };
    });
    this.pending.set(id, { ...settle!, answer });
    // A copy the worker owns: the caller's buffer stays usable.
    const copy = rgb.slice();
    worker.ref(); // a pass in flight keeps the process alive; an idle worker does not
    this.posted.set(worker, (this.posted.get(worker) ?? 0) + 1);
    worker.postMessage({ id, rgb: copy }, [copy.buffer]);
    return answer;
  }

  /** Ends the worker once the passes in flight on it are answered or timed out (the process can then exit). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    const inFlight = [...this.pending.values()].filter((p) => p.worker === worker).map((p) => p.answer);
    await Promise.allSettled(inFlight);
    if (worker && !this.setAside.has(worker)) await worker.terminate();
  }

  /**
   * A pass of `worker` was not answered in time: every pass in flight on it fails and the next
   * pass starts a new worker. This one is ended at once, except inside onnxruntime: ending a thread
   * during its native run aborts the whole process (an uncaught Napi::Error), so it is set aside
   * and ended when its pass returns.
   */
  private hung(worker: Worker, timeoutMs: number): void {
    if (this.worker === worker) this.worker = undefined;
    const native = this.backend === 'onnx';
    this.log(
      `detector pass not answered within ${timeoutMs} ms: its worker is ${native ? 'set aside until its native pass returns' : 'ended'}, the next pass starts a new one`,
    );
    this.fail(worker, new Error(`the detector did not answer within ${timeoutMs} ms`));
    if (native) this.setAside.add(worker);
    else void worker.terminate();
  }

  /** Fails the passes in flight on `worker` (a new worker's passes are not its). */
  private fail(worker: Worker, err: Error): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private adopt(worker: Worker): void {
    this.worker = worker;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') this.log(message.message, message.level);
      if (message.kind !== 'answer') return;
      const left = (this.posted.get(worker) ?? 1) - 1;
      this.posted.set(worker, left);
      // A set-aside worker's last pass has returned: it is idle now, so it can be ended safely.
      if (left === 0 && this.setAside.delete(worker)) {
        this.log('a set-aside detector worker answered its last pass and is ended');
        void worker.terminate();
      }
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (pending) clearTimeout(pending.timer);
      if (![...this.pending.values()].some((p) => p.worker === worker)) worker.unref();
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.detections ?? []);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.setAside.delete(worker);
      this.posted.delete(worker);
      this.fail(worker, new Error(`the detector worker exited (code ${code})`));
    });
    // An uncaught error ends the worker: 'exit' follows and fails what was in flight.
    worker.on('error', (err) => this.log(`detector worker failed: ${err.message}`));
    worker.unref();
  }
}

/** Starts a worker and waits until its detector is loaded (or failed to load). */
function spawn(
  config: WorkerConfig,
  log: (message: string, level?: 'warn') => void,
): Promise<{ worker: Worker; ready: Extract<WorkerMessage, { kind: 'ready' }> }> {
  const worker = new Worker(path.join(__dirname, 'detector.worker.js'), { workerData: config });
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.kind === 'log') log(message.message, message.level);
      if (message.kind === 'failed') {
        cleanup();
        void worker.terminate();
        reject(new Error(message.error));
      }
      if (message.kind === 'ready') {
        cleanup();
        resolve({ worker, ready: message });
      }
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`the detector worker exited (code ${code}) before its detector loaded`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('exit', onExit);
  });
}
