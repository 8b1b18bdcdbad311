/**
 * A hall's photo of what was done, attached to its response to a rectification order. It travels
 * base64 in one NATS request (at most 1 MB), so a photo is at most PHOTO_MAX_BYTES.
 */
export const PHOTO_MAX_BYTES = 512 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The photo's type by its first bytes (never by what the sender claims), or why it is refused. */
export function photoType(bytes: Uint8Array): { type: PhotoType } | string {
  if (bytes.length === 0) return 'photo: empty';
  if (bytes.length > PHOTO_MAX_BYTES) return `photo: ${bytes.length} bytes, at most ${PHOTO_MAX_BYTES}`;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { type: 'image/jpeg' };
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return { type: 'image/png' };
  return 'photo: not a JPEG or PNG image (its first bytes are neither)';
}
