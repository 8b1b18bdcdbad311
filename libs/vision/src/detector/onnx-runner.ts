import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '@hallwatch/config';
import { CENTERNET_INPUT_SIZE, CenterNetRunner } from './centernet.detector';

/** The converter (scripts/install-system-deps.sh runs it); its text is part of the converted model's name. */
export const CONVERTER = path.join(PROJECT_ROOT, 'scripts', 'convert-centernet-onnx.py');

/**
 * Where scripts/convert-centernet-onnx.py writes its conversion of the tfjs model `modelJsonPath`:
 * .hallwatch/models/centernet-person-<hash>.onnx, the hash over the converter and the model's
 * files (the script names it the same way). A changed converter or model is a new file, never a stale one.
 */
export function onnxModelPathFor(modelJsonPath: string): string {
  const manifest = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const weights = manifest.weightsManifest.flatMap((group) => group.paths.map((p) => path.join(path.dirname(modelJsonPath), p)));
  const hash = createHash('sha256');
  for (const file of [CONVERTER, modelJsonPath, ...weights]) hash.update(readFileSync(file));
  return path.join(PROJECT_ROOT, '.hallwatch', 'models', `centernet-person-${hash.digest('hex').slice(0, 12)}.onnx`);
}

/**
 * Runs the converted CenterNet (person head only) on onnxruntime-node's CPU provider; throws when
 * onnxruntime's native library does not load or the model file is missing.
 */
export async function startOnnxRunner(modelPath: string, threads = 1): Promise<CenterNetRunner> {
  // Required here, not imported: a native library that does not load makes this backend unavailable, not the package.
  const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
  if (!existsSync(modelPath)) throw new Error(`no model file ${modelPath} (scripts/install-system-deps.sh converts it)`);
  const session = await ort.InferenceSession.create(modelPath, {
    // 'all' lets ONNX Runtime cancel the NHWC<->NCHW transposes of the conversion: about half the time of 'extended'.
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  const size = CENTERNET_INPUT_SIZE;
  return {
    backend: 'onnx',
    details: `onnxruntime-node ${ort.env.versions.node}, ${path.basename(modelPath)}, ${threads} thread(s)`,
    async run(data) {
      const results = await session.run({ [input]: new ort.Tensor('float32', data, [1, size, size, 3]) });
      return results[output].data as Float32Array;
    },
  };
}
