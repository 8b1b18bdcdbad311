import fc from 'fast-check';
import { JpegSplitter, looksLikeJpeg } from './jpeg-splitter';

/** A fake JPEG: SOI, a body without markers (0xFF always followed by 0x00, as in real scans), EOI. */
const jpeg = (body: number[]) => Buffer.from([0xff, 0xd8, ...body.flatMap((b) => (b === 0xff ? [0xff, 0x00] : [b])), 0xff, 0xd9]);

describe('JpegSplitter', () => {
  it('splits concatenated images however the bytes are chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
        (bodies, cuts) => {
          const images = bodies.map(jpeg);
          const stream = Buffer.concat(images);
          const splitter = new JpegSplitter();
          const out: Buffer[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = cuts[i % cuts.length];
            out.push(...splitter.push(stream.subarray(at, at + size)));
            at += size;
          }
          expect(out.map((b) => b.toString('hex'))).toEqual(images.map((b) => b.toString('hex')));
          expect(splitter.discardedBytes).toBe(0);
        },
      ),
    );
  });

  it('skips bytes outside images and counts them', () => {
    const splitter = new JpegSplitter();
    const out = splitter.push(Buffer.concat([Buffer.from([1, 2, 3]), jpeg([7]), Buffer.from([9])]));
    expect(out).toEqual([jpeg([7])]);
    expect(splitter.discardedBytes).toBe(4);
  });

  it('keeps a trailing 0xFF that may start the next image', () => {
    const splitter = new JpegSplitter();
    expect(splitter.push(Buffer.from([0xff]))).toEqual([]);
    expect(splitter.push(Buffer.from([0xd8, 5, 0xff, 0xd9]))).toEqual([Buffer.from([0xff, 0xd8, 5, 0xff, 0xd9])]);
  });

  it('drops an image that grows past the limit instead of buffering it', () => {
    const splitter = new JpegSplitter(16);
    expect(splitter.push(Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(20, 1)]))).toEqual([]);
    expect(splitter.discardedBytes).toBe(22);
    expect(splitter.push(jpeg([3]))).toEqual([jpeg([3])]);
  });
});

describe('looksLikeJpeg', () => {
  it('accepts SOI..EOI and rejects anything else', () => {
    expect(looksLikeJpeg(jpeg([1, 2]))).toBe(true);
    expect(looksLikeJpeg(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(looksLikeJpeg(Buffer.from('not a jpeg'))).toBe(false);
  });
});
