import * as path from 'node:path';
import { Detection, Detector } from './detector.interface';

/** COCO class index of "person" in the CenterNet output. */
const PERSON_CLASS = 0;
export const CENTERNET_INPUT_SIZE = 512;
/** Detections below this never matter to any occupancy threshold; dropping them early keeps the work small. */
const MIN_SCORE = 0.1;

/** Where @vladmandic/human ships its MobileNetV3 CenterNet (MIT licence). */
export function defaultCenterNetPath(): string {
  // The package exports no package.json; its entry point sits in <package>/dist/.
  return path.join(path.dirname(require.resolve('@vladmandic/human')), '..', 'models', 'centernet.json');
}

/**
 * One way of running the CenterNet graph (tfjs-runner.ts, onnx-runner.ts): a [1,512,512,3] input
 * of raw 0-255 RGB in, the [1,100,6] rows of `tower_0/detections` out.
 */
export interface CenterNetRunner {
  /** The detector backend, as Detector.backend reports it. */
  readonly backend: string;
  /** What runs it (library, version, threads), for the log line that names the backend. */
  readonly details: string;
  run(input: Float32Array): Promise<ArrayLike<number>>;
}

/**
 * MobileNetV3 CenterNet trained on COCO: 512x512 input of raw 0-255 RGB, output [1,100,6] rows of
 * x1,y1,x2,y2,score,class in input pixels.
 */
export class CenterNetDetector implements Detector {
  readonly name = 'centernet';
  readonly inputSize = CENTERNET_INPUT_SIZE;

  readonly backend: string;

  private constructor(private readonly runner: CenterNetRunner) {
    this.backend = runner.backend;
  }

  static async load(runner: CenterNetRunner): Promise<CenterNetDetector> {
    const detector = new CenterNetDetector(runner);
    // The first run compiles kernels and allocates; doing it here keeps that cost out of the first frame.
    await detector.detect(new Uint8Array(CENTERNET_INPUT_SIZE * CENTERNET_INPUT_SIZE * 3));
    return detector;
  }

  async detect(rgb: Uint8Array): Promise<Detection[]> {
    const size = CENTERNET_INPUT_SIZE;
    if (rgb.length !== size * size * 3) throw new Error(`centernet needs ${size}x${size} RGB input`);
    const values = await this.runner.run(Float32Array.from(rgb));
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
