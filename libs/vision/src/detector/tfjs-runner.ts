import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CENTERNET_INPUT_SIZE, CenterNetRunner } from './centernet.detector';

/** The TensorFlow.js backends, by their tfjs names: native tfjs-node, WebAssembly, plain JS. */
const TF_NAMES = { 'tfjs-node': 'tensorflow', wasm: 'wasm', cpu: 'cpu' } as const;
export type TfjsBackend = keyof typeof TF_NAMES;

const OUTPUT_NODE = 'tower_0/detections';

/**
 * Reads a tfjs graph model (model.json + its weight files) from disk. tf.loadGraphModel's own
 * file:// handler exists only in tfjs-node, and the models must load without network anyway.
 */
export async function loadGraphModelFromDisk(modelJsonPath: string): Promise<tf.GraphModel> {
  const json = JSON.parse(await fs.readFile(modelJsonPath, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const dir = path.dirname(modelJsonPath);
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const file of group.paths) buffers.push(await fs.readFile(path.join(dir, file)));
  }
  const weights = Buffer.concat(buffers);
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

/**
 * Runs the CenterNet graph model on a TensorFlow.js backend; throws when that backend cannot
 * start here. The tfjs backend is global to the process: the last one started serves every tfjs model.
 */
export async function startTfjsRunner(backend: TfjsBackend, modelJsonPath: string, threads = 1): Promise<CenterNetRunner> {
  if (backend === 'tfjs-node') {
    // An optional dependency whose native download often fails: it registers its backend as a side effect.
    require('@tensorflow/tfjs-node');
  }
  if (backend === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dist + path.sep);
    wasm.setThreadsCount(threads);
  }
  if (!(await tf.setBackend(TF_NAMES[backend]))) throw new Error(`tfjs could not start its ${TF_NAMES[backend]} backend`);
  await tf.ready();
  const model = await loadGraphModelFromDisk(modelJsonPath);
  const size = CENTERNET_INPUT_SIZE;
  return {
    backend,
    details: describe(backend),
    async run(input) {
      const rows = tf.tidy(() => model.execute(tf.tensor4d(input, [1, size, size, 3]), OUTPUT_NODE) as tf.Tensor);
      const values = await rows.data();
      rows.dispose();
      return values;
    },
  };
}

function describe(backend: TfjsBackend): string {
  if (backend !== 'wasm') return `TensorFlow.js ${tf.version.tfjs}`;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `TensorFlow.js ${tf.version.tfjs}, simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
}
