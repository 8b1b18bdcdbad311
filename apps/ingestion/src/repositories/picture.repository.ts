import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import type { Picture } from '../utils/freeze-watch';

/** Decodes samples for the freeze watch (libvips, off the event loop: about 2 ms for a 640x360 JPEG). */
@Injectable()
export class PictureRepository {
  async decode(jpeg: Buffer): Promise<Picture> {
    const { data, info } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, grey: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  }
}
