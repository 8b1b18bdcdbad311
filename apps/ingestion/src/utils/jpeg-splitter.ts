const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);

/**
 * Cuts a stream of concatenated JPEGs (ffmpeg's image2pipe MJPEG output) into whole images by
 * their start (FFD8) and end (FFD9) markers. Inside entropy-coded data 0xFF is always stuffed with
 * 0x00, so FFD9 cannot occur before the real end. Memory is bounded: an image growing past
 * maxBytes is thrown away (and counted) rather than buffered forever.
 */
export class JpegSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes discarded because they were not inside a JPEG or the JPEG was too large. */
  discardedBytes = 0;

  constructor(private readonly maxBytes = 8 * 1024 * 1024) {}

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const images: Buffer[] = [];
    for (;;) {
      const start = this.pending.indexOf(SOI);
      if (start < 0) {
        // Keep a trailing 0xFF: it may be the first half of the next SOI.
        const keep = this.pending.length > 0 && this.pending[this.pending.length - 1] === 0xff ? 1 : 0;
        this.discard(this.pending.length - keep);
        break;
      }
      if (start > 0) this.discard(start);
      const end = this.pending.indexOf(EOI, SOI.length);
      if (end < 0) {
        if (this.pending.length > this.maxBytes) this.discard(this.pending.length);
        break;
      }
      // Copy so the image does not pin the (possibly large) concatenated buffer.
      images.push(Buffer.from(this.pending.subarray(0, end + EOI.length)));
      this.pending = this.pending.subarray(end + EOI.length);
    }
    return images;
  }

  private discard(bytes: number): void {
    this.discardedBytes += bytes;
    this.pending = this.pending.subarray(bytes);
  }
}

/** True when the buffer starts with SOI and ends with EOI. */
export function looksLikeJpeg(image: Buffer): boolean {
  return image.length >= 4 && image.subarray(0, 2).equals(SOI) && image.subarray(-2).equals(EOI);
}
