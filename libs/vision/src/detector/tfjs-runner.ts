import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** Force one backend instead of the tensorflow -> wasm -> cpu fallback. */
  readonly backend?: BackendName;
  /** WebAssembly threads; only used where Node gives wasm multithreading. Default 1 (one core). */
  readonly threads?: number;
  readonly log?: (message: string) => void;
}

let selected: Promise<BackendName> | undefined;

/**
 * Picks the fastest TensorFlow.js backend this process can run, once per process: native
 * tfjs-node when it is installed (it is an optional dependency whose native download often
 * fails), else WebAssembly with SIMD, else the plain JS CPU backend.
 */
export function selectBackend(options: BackendOptions = {}): Promise<BackendName> {
  selected ??= pickBackend(options).catch((error: unknown) => {
    selected = undefined;
    throw error;
  });
  return selected;
}

async function pickBackend({ backend, threads = 1, log = () => undefined }: BackendOptions): Promise<BackendName> {
  const order: BackendName[] = backend ? [backend] : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        // A plain require keeps tfjs-node optional: it registers the backend as a side effect.
        require('@tensorflow/tfjs-node');
      }
      if (name === 'wasm') {
        const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
        const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
        wasm.setWasmPaths(dist + path.sep);
        wasm.setThreadsCount(threads);
      }
      if (await tf.setBackend(name)) {
        await tf.ready();
        log(describe(name));
        return name;
      }
    } catch (error) {
      log(`tfjs backend ${name} unavailable: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${order.join(', ')})`);
}

function describe(name: BackendName): string {
  if (name !== 'wasm') return `tfjs backend: ${name}`;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `tfjs backend: wasm (simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'})`;
}
