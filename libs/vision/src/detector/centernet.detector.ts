import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Detection, Detector } from './detector.interface';

/** COCO class index of "person" in the CenterNet output. */
const PERSON_CLASS = 0;
const INPUT_SIZE = 512;
const OUTPUT_NODE = 'tower_0/detections';
/** Detections below this never matter to any occupancy threshold; dropping them early keeps the work small. */
const MIN_SCORE = 0.1;

/** Where @vladmandic/human ships its MobileNetV3 CenterNet (MIT licence). */
export function defaultCenterNetPath(): string {
  // The package exports no package.json; its entry point sits in <package>/dist/.
  return path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models', 'centernet.json');
}

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
 * MobileNetV3 CenterNet trained on COCO: 512x512 input of raw 0-255 RGB, output [1,100,6] rows of
 * x1,y1,x2,y2,score,class in input pixels.
 */
export class CenterNetDetector implements Detector {
  readonly name = 'centernet';
  readonly inputSize = INPUT_SIZE;

  private constructor(
    private readonly model: tf.GraphModel,
    readonly backend: string,
  ) {}

  static async load(modelJsonPath = defaultCenterNetPath()): Promise<CenterNetDetector> {
    const detector = new CenterNetDetector(await loadGraphModelFromDisk(modelJsonPath), tf.getBackend());
    // The first run compiles kernels and allocates; doing it here keeps that cost out of the first frame.
    await detector.detect(new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3));
    return detector;
  }

  async detect(rgb: Uint8Array): Promise<Detection[]> {
    if (rgb.length !== INPUT_SIZE * INPUT_SIZE * 3) throw new Error(`centernet needs ${INPUT_SIZE}x${INPUT_SIZE} RGB input`);
    const rows = tf.tidy(() => {
      const input = tf.tensor4d(Float32Array.from(rgb), [1, INPUT_SIZE, INPUT_SIZE, 3]);
      return this.model.execute(input, OUTPUT_NODE) as tf.Tensor;
    });
    const values = await rows.data();
    rows.dispose();
    const detections: Detection[] = [];
    for (let i = 0; i + 5 < values.length; i += 6) {
      const score = values[i + 4];
      if (score < MIN_SCORE) continue;
      detections.push({
        box: [values[i], values[i + 1], values[i + 2], values[i + 3]],
        score,
        isPerson: Math.round(values[i + 5]) === PERSON_CLASS,
      });
    }
    return detections;
  }
}
