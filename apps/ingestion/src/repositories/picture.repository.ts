import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import type { Picture } from '../utils/freeze-watch';

/**
 * Decodes samples for the freeze watch: RGB from libvips (off the event loop), luma here, which
 * costs about half of libvips' own greyscale (some 3.5 ms of CPU for a 640x360 JPEG in all).
 */
@Injectable()
export class PictureRepository {
  async decode(jpeg: Buffer): Promise<Picture> {
    const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height, channels } = info;
    if (channels < 3) return { width, height, grey: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }; // a grey JPEG
    const grey = new Uint8Array(width * height);
    // BT.601 luma in fixed point (77 + 150 + 29 = 256).
    for (let i = 0, p = 0; i < grey.length; i++, p += channels) grey[i] = (data[p] * 77 + data[p + 1] * 150 + data[p + 2] * 29) >> 8;
    return { width, height, grey };
  }
}
