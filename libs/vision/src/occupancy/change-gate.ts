import { Box } from '../geometry/zone-geometry';
import { RgbFrame } from '../frame/rgb-frame';

/** A coarse grayscale thumbnail of one region, compared between frames to skip unchanged zones. */
export type RegionSignature = Float32Array;

export const SIGNATURE_CELLS = 16;

/**
 * Averages the luma of a region (box in frame fractions) over a SIGNATURE_CELLS^2 grid. Averaging
 * blocks of pixels smooths sensor noise and compression shimmer, so only real changes remain.
 */
export function regionSignature(frame: RgbFrame, box: Box, cells = SIGNATURE_CELLS): RegionSignature {
  const x0 = Math.floor(box[0] * frame.width);
  const y0 = Math.floor(box[1] * frame.height);
  const x1 = Math.max(x0 + 1, Math.min(frame.width, Math.ceil(box[2] * frame.width)));
  const y1 = Math.max(y0 + 1, Math.min(frame.height, Math.ceil(box[3] * frame.height)));
  const sums = new Float32Array(cells * cells);
  const counts = new Uint32Array(cells * cells);
  // Every pixel of a large zone is not needed to average a cell: about 4x4 samples per cell do.
  const stride = Math.max(1, Math.floor(Math.min(x1 - x0, y1 - y0) / (cells * 4)));
  // The cell column of each sampled x, once: per pixel it was a sixth of inference's main thread.
  const columns = new Int32Array(Math.ceil((x1 - x0) / stride));
  for (let k = 0; k < columns.length; k++) columns[k] = Math.min(cells - 1, Math.floor((k * stride * cells) / (x1 - x0)));
  const data = frame.data;
  for (let y = y0; y < y1; y += stride) {
    const row = Math.min(cells - 1, Math.floor(((y - y0) * cells) / (y1 - y0))) * cells;
    for (let k = 0, i = (y * frame.width + x0) * 3; k < columns.length; k++, i += stride * 3) {
      sums[row + columns[k]] += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
      counts[row + columns[k]]++;
    }
  }
  // Regions narrower than the grid leave some cells empty; they stay 0 in both signatures.
  for (let c = 0; c < sums.length; c++) if (counts[c] > 0) sums[c] /= counts[c];
  return sums;
}

export interface ChangeThresholds {
  /** Luma difference (0-255) at which a cell counts as changed. */
  readonly cellDelta: number;
  /** Fraction of changed cells at which the region counts as changed. */
  readonly changedFraction: number;
}

/** Fraction of cells whose luma moved by more than cellDelta. */
export function changedFraction(a: RegionSignature, b: RegionSignature, cellDelta: number): number {
  let changed = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > cellDelta) changed++;
  return changed / a.length;
}

export function regionChanged(a: RegionSignature, b: RegionSignature, thresholds: ChangeThresholds): boolean {
  return changedFraction(a, b, thresholds.cellDelta) > thresholds.changedFraction;
}
