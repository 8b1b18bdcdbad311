import sharp from 'sharp';

/** One decoded camera frame: packed RGB24, row-major, `at` in milliseconds. */
export interface RgbFrame {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly at: number;
}

/** Decodes a JPEG (or any image sharp reads) into an RGB frame taken at `at` ms. */
export async function decodeJpeg(jpeg: Buffer, at: number): Promise<RgbFrame> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, at };
}

export function assertRgbFrame(frame: RgbFrame): void {
  if (!(frame.width > 0 && frame.height > 0) || frame.data.length !== frame.width * frame.height * 3) {
    throw new Error(
      `frame must be RGB24: ${frame.width}x${frame.height} needs ${frame.width * frame.height * 3} bytes, got ${frame.data.length}`,
    );
  }
}

/** Mean and standard deviation of luma over a sparse pixel grid (enough to tell a black or flat frame). */
export function lumaStats(frame: RgbFrame, samples = 4096): { mean: number; std: number } {
  const step = Math.max(1, Math.floor((frame.width * frame.height) / samples));
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let p = 0; p < frame.width * frame.height; p += step) {
    const i = p * 3;
    const y = 0.299 * frame.data[i] + 0.587 * frame.data[i + 1] + 0.114 * frame.data[i + 2];
    sum += y;
    sumSq += y * y;
    n++;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}
