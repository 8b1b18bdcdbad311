import { CenterNetDetector } from './centernet.detector';
import { Detector } from './detector.interface';
import { BackendOptions, selectBackend } from './tf-backend';
import { WorkerDetector } from './worker-detector';

export interface DetectorConfig extends BackendOptions {
  /** Detector plugin; only CenterNet ships today. */
  readonly kind?: 'centernet';
  /** Path of a model.json to use instead of the one shipped in @vladmandic/human. */
  readonly modelPath?: string;
  /** Run the detector in a worker thread, so a pass does not block the event loop (services; needs the built JavaScript). */
  readonly inWorker?: boolean;
  /** In a worker: a pass not answered within this many ms is lost and the worker replaced (default PASS_TIMEOUT_MS). */
  readonly passTimeoutMs?: number;
  /**
   * A JavaScript module exporting `load(config): Promise<Detector>`, used instead of the built-in
   * detector (HALLWATCH_DETECTOR_MODULE; e.g. the fault tests' detector that stops answering).
   */
  readonly module?: string;
}

const loaded = new Map<string, Promise<Detector>>();

/** Loads a detector once per process and configuration: every analyzer shares the model. */
export function loadDetector(config: DetectorConfig = {}): Promise<Detector> {
  const key = `${config.module ?? config.kind ?? 'centernet'}:${config.modelPath ?? ''}:${config.inWorker ? 'worker' : 'here'}`;
  let detector = loaded.get(key);
  if (!detector) {
    detector = config.inWorker
      ? WorkerDetector.start(config)
      : config.module
        ? loadModule(config)
        : selectBackend(config).then(() => CenterNetDetector.load(config.modelPath));
    detector.catch(() => loaded.delete(key));
    loaded.set(key, detector);
  }
  return detector;
}

async function loadModule(config: DetectorConfig): Promise<Detector> {
  const { module, ...rest } = config;
  const plugin = require(module!) as { load?: (config: DetectorConfig) => Promise<Detector> };
  if (typeof plugin.load !== 'function') throw new Error(`detector module ${module}: exports no load(config) function`);
  return plugin.load(rest);
}
