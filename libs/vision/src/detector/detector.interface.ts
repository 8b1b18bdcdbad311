/** One object found by a detector, in the pixels of the square image it was given. */
export interface Detection {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly isPerson: boolean;
}

/**
 * A person/object detector plugin. It takes a square RGB24 image of `inputSize` pixels a side
 * (the zone analyzer packs zone crops into it) and returns its detections.
 */
export interface Detector {
  readonly name: string;
  readonly backend: string;
  readonly inputSize: number;
  detect(rgb: Uint8Array): Promise<Detection[]>;
}
