import type { Picture } from './freeze-watch';

/** "P5", whitespace, width, height, maxval, one whitespace byte: the header of a binary 8-bit PGM. */
const HEADER = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/;
/** A header is this short; more bytes without one are not PGM. */
const HEADER_MAX = 32;

/**
 * Cuts a stream of concatenated binary PGM images (ffmpeg's image2pipe with the pgm encoder) into
 * pictures, each pixel copied once into its own array. Throws on anything but 8-bit PGM no larger
 * than `maxPixels`: the stream comes from our own ffmpeg command, so that is a bug to be told,
 * not data to be skipped.
 */
export class PgmSplitter {
  private header: Buffer = Buffer.alloc(0);
  private current?: { picture: Picture; filled: number };

  constructor(private readonly maxPixels = 3840 * 2160) {}

  push(chunk: Buffer): Picture[] {
    const pictures: Picture[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (!this.current) {
        const take = Math.min(chunk.length - at, HEADER_MAX - this.header.length);
        this.header = Buffer.concat([this.header, chunk.subarray(at, at + take)]);
        const found = HEADER.exec(this.header.toString('latin1'));
        if (!found) {
          if (this.header.length >= HEADER_MAX || !'P5'.startsWith(this.header.subarray(0, 2).toString('latin1')))
            throw new Error(`not an 8-bit PGM: ${JSON.stringify(this.header.subarray(0, 16).toString('latin1'))}`);
          at += take;
          continue;
        }
        const [width, height, maxval] = [Number(found[1]), Number(found[2]), Number(found[3])];
        if (maxval > 255 || width * height > this.maxPixels || width * height === 0)
          throw new Error(`PGM of ${width}x${height}, maxval ${maxval}: not an 8-bit picture of at most ${this.maxPixels} pixels`);
        // Bytes of this chunk that belonged to the header; the rest of what was taken is pixels.
        at += take - (this.header.length - found[0].length);
        this.header = Buffer.alloc(0);
        this.current = { picture: { width, height, grey: new Uint8Array(width * height) }, filled: 0 };
      }
      const { picture } = this.current;
      const take = Math.min(chunk.length - at, picture.grey.length - this.current.filled);
      picture.grey.set(chunk.subarray(at, at + take), this.current.filled);
      this.current.filled += take;
      at += take;
      if (this.current.filled === picture.grey.length) {
        pictures.push(picture);
        this.current = undefined;
      }
    }
    return pictures;
  }
}
