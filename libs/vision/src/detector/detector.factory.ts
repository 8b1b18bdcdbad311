import { CenterNetDetector, CenterNetRunner, defaultCenterNetPath } from './centernet.detector';
import { Detector } from './detector.interface';
import { onnxModelPathFor, startOnnxRunner } from './onnx-runner';
import { startTfjsRunner } from './tfjs-runner';
import { WorkerDetector } from './worker-detector';

/**
 * The detector backends, fastest first, in the order they are tried: onnxruntime-node (the
 * converted model), tfjs-node (native TensorFlow), TensorFlow.js WebAssembly, TensorFlow.js plain JS.
 */
export const DETECTOR_BACKENDS = ['onnx', 'tfjs-node', 'wasm', 'cpu'] as const;
export type DetectorBackend = (typeof DETECTOR_BACKENDS)[number];

export interface DetectorConfig {
  /** Detector plugin; only CenterNet ships today. */
  readonly kind?: 'centernet';
  /**
   * The backend to try first (HALLWATCH_DETECTOR_BACKEND). One that cannot start here is warned
   * about and the others are tried in DETECTOR_BACKENDS order: the detector still runs, slower.
   */
  readonly backend?: DetectorBackend;
  /** Path of a tfjs model.json to use instead of the one shipped in @vladmandic/human. */
  readonly modelPath?: string;
  /** The ONNX conversion of that model (default: where scripts/convert-centernet-onnx.py writes it, onnxModelPathFor). */
  readonly onnxModelPath?: string;
  /** Threads of one pass (onnxruntime intra-op, wasm where Node gives it threads). Default 1 (one core). */
  readonly threads?: number;
  /** Run the detector in a worker thread, so a pass does not block the event loop (services; needs the built JavaScript). */
  readonly inWorker?: boolean;
  /** In a worker: a pass not answered within this many ms is lost and the worker replaced (default PASS_TIMEOUT_MS). */
  readonly passTimeoutMs?: number;
  /**
   * A JavaScript module exporting `load(config): Promise<Detector>`, used instead of the built-in
   * detector (HALLWATCH_DETECTOR_MODULE; e.g. the fault tests' detector that stops answering).
   */
  readonly module?: string;
  /** Where the backend chosen, and why others were not, is said; `warn` when a backend asked for is unavailable. */
  readonly log?: (message: string, level?: 'warn') => void;
}

const loaded = new Map<string, Promise<Detector>>();

/** Loads a detector once per process and configuration: every analyzer shares the model. */
export function loadDetector(config: DetectorConfig = {}): Promise<Detector> {
  const { module, kind = 'centernet', backend = '', modelPath = '', onnxModelPath = '', inWorker } = config;
  const key = [module ?? kind, backend, modelPath, onnxModelPath, inWorker ? 'worker' : 'here'].join(':');
  let detector = loaded.get(key);
  if (!detector) {
    detector = inWorker ? WorkerDetector.start(config) : module ? loadModule(config) : loadCenterNet(config);
    detector.catch(() => loaded.delete(key));
    loaded.set(key, detector);
  }
  return detector;
}

/** CenterNet on the first backend of the order that starts; logs which, with the reasons the ones before it did not. */
async function loadCenterNet(config: DetectorConfig): Promise<Detector> {
  const { backend: asked, threads = 1, log = () => undefined } = config;
  const modelPath = config.modelPath ?? defaultCenterNetPath();
  const order = asked ? [asked, ...DETECTOR_BACKENDS.filter((b) => b !== asked)] : DETECTOR_BACKENDS;
  const unavailable: string[] = [];
  for (const backend of order) {
    let detector: Detector;
    let runner: CenterNetRunner;
    try {
      runner =
        backend === 'onnx'
          ? await startOnnxRunner(config.onnxModelPath ?? onnxModelPathFor(modelPath), threads)
          : await startTfjsRunner(backend, modelPath, threads);
      detector = await CenterNetDetector.load(runner);
    } catch (error) {
      const why = (error as Error).message.split('\n')[0];
      if (backend === asked)
        log(`detector backend ${asked} was asked for but is unavailable (${why}); trying ${order.slice(1).join(', ')}`, 'warn');
      unavailable.push(`${backend} unavailable: ${why}`);
      continue;
    }
    log(`detector backend: ${backend} (${runner.details})${unavailable.length ? `; ${unavailable.join('; ')}` : ''}`);
    return detector;
  }
  throw new Error(`no detector backend could start (${unavailable.join('; ')})`);
}

async function loadModule(config: DetectorConfig): Promise<Detector> {
  const { module, ...rest } = config;
  const plugin = require(module!) as { load?: (config: DetectorConfig) => Promise<Detector> };
  if (typeof plugin.load !== 'function') throw new Error(`detector module ${module}: exports no load(config) function`);
  return plugin.load(rest);
}
