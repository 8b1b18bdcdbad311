import { PHOTO_MAX_BYTES, photoType } from './photo';

describe('a response photo', () => {
  it('is a JPEG or a PNG by its first bytes', () => {
    expect(photoType(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toEqual({ type: 'image/jpeg' });
    expect(photoType(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toEqual({ type: 'image/png' });
  });

  it('is refused, saying why, when it is anything else, empty or too large', () => {
    expect(photoType(Buffer.from('GIF89a...'))).toBe('photo: not a JPEG or PNG image (its first bytes are neither)');
    expect(photoType(Buffer.from('%PDF-1.7'))).toBe('photo: not a JPEG or PNG image (its first bytes are neither)');
    expect(photoType(new Uint8Array(0))).toBe('photo: empty');
    const big = new Uint8Array(PHOTO_MAX_BYTES + 1);
    big.set([0xff, 0xd8, 0xff]);
    expect(photoType(big)).toBe(`photo: ${PHOTO_MAX_BYTES + 1} bytes, at most ${PHOTO_MAX_BYTES}`);
  });
});
