/** A decoded sample as the freeze watch compares it: one grey byte per pixel, row-major. */
export interface Picture {
  width: number;
  height: number;
  grey: Uint8Array;
}

/**
 * Grey levels by which a pixel of a repeated picture may differ (rounding, should a decoder or
 * scaler treat the same frame a little differently). Live frames always differ by more somewhere:
 * a sensor's noise, the on-screen clock; in the test footage (compressed 480x270) even samples of
 * the empty room a quarter of a second apart differ by 79 levels or more in some pixel.
 */
export const SAME_PICTURE_TOLERANCE = 4;

/** Whether `b` shows the same picture as `a`: same size and no pixel differing by more than `tolerance`. */
export function samePicture(a: Picture, b: Picture, tolerance = SAME_PICTURE_TOLERANCE): boolean {
  if (a.width !== b.width || a.height !== b.height || a.grey.length !== b.grey.length) return false;
  for (let i = 0; i < a.grey.length; i++) if (Math.abs(a.grey[i] - b.grey[i]) > tolerance) return false;
  return true;
}

export type FreezeVerdict =
  /** A new picture: live video. */
  | { repeated: false }
  /** The picture first seen at `since` again; `frozen` once that has lasted `frozenAfterMs`. */
  | { repeated: true; since: number; frozen: boolean };

/**
 * Tells a frozen picture (an encoder hang, an RTSP server repeating its last frame) from live video:
 * each sample is compared with the first sample of the current picture, not with the one before, so
 * a slow drift (dusk in an empty hall) adds up to a new picture instead of passing as the same one.
 */
export class FreezeWatch {
  private first?: Picture;
  private since = 0;

  constructor(readonly frozenAfterMs: number) {
    if (!(frozenAfterMs > 0)) throw new RangeError(`frozenAfterMs must be > 0, got ${frozenAfterMs}`);
  }

  /** A sample that arrived at `at` (ms). */
  observe(at: number, picture: Picture): FreezeVerdict {
    if (!this.first || !samePicture(this.first, picture)) {
      this.first = picture;
      this.since = at;
      return { repeated: false };
    }
    return { repeated: true, since: this.since, frozen: at - this.since >= this.frozenAfterMs };
  }
}
