import { execFileSync } from 'node:child_process';
import { PgmSplitter } from './pgm-splitter';

const pgm = (width: number, height: number, fill: (i: number) => number) =>
  Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`), Buffer.from(Array.from({ length: width * height }, (_, i) => fill(i)))]);

describe('PgmSplitter', () => {
  it('cuts concatenated PGMs into pictures however the stream is chunked', () => {
    // Pixels that look like header digits and whitespace (0x20, 0x0a, '1') must stay pixels.
    const stream = Buffer.concat([pgm(4, 2, (i) => [0x31, 0x20, 0x0a, 0xff][i % 4]), pgm(3, 1, (i) => i + 10)]);
    for (const size of [1, 2, 5, 13, stream.length]) {
      const splitter = new PgmSplitter();
      const pictures = [];
      for (let at = 0; at < stream.length; at += size) pictures.push(...splitter.push(stream.subarray(at, at + size)));
      expect(pictures.map((p) => [p.width, p.height, [...p.grey]])).toEqual([
        [4, 2, [0x31, 0x20, 0x0a, 0xff, 0x31, 0x20, 0x0a, 0xff]],
        [3, 1, [10, 11, 12]],
      ]);
    }
  });

  it("reads ffmpeg's own pgm image2pipe output", () => {
    const out = execFileSync('ffmpeg', [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=4', '-frames:v', '3'],
      ...['-vf', 'format=yuvj420p,extractplanes=y', '-c:v', 'pgm', '-f', 'image2pipe', '-'],
    ]);
    const pictures = new PgmSplitter().push(out);
    expect(pictures.map((p) => [p.width, p.height, p.grey.length])).toEqual([
      [64, 36, 2304],
      [64, 36, 2304],
      [64, 36, 2304],
    ]);
  });

  it('refuses what is not an 8-bit PGM of a bounded size, saying what it got', () => {
    expect(() => new PgmSplitter().push(Buffer.from('\xff\xd8\xff\xe0 a JPEG', 'latin1'))).toThrow(/not an 8-bit PGM/);
    expect(() => new PgmSplitter().push(Buffer.from('P5\n2 2\n65535\n'))).toThrow(/maxval 65535/);
    expect(() => new PgmSplitter(100).push(Buffer.from('P5\n20 20\n255\n'))).toThrow(/20x20.*at most 100 pixels/);
    expect(() => new PgmSplitter().push(Buffer.from(`P5${' '.repeat(40)}`))).toThrow(/not an 8-bit PGM/);
  });
});
