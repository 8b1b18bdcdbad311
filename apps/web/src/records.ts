/**
 * What the console's data-entry page (RecordsView) needs besides the API: the uploaded file as the
 * import endpoints take it, and an id for a record typed by hand.
 */

/** A file's bytes as base64 (POST /api/imports/...), in slices: one String.fromCharCode call per byte overflows the stack. */
export function toBase64(bytes: Uint8Array): string {
  const SLICE = 0x8000;
  let binary = '';
  for (let i = 0; i < bytes.length; i += SLICE) binary += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(binary);
}

/**
 * An id for a record typed in the console (a leave, a complaint), as exports have theirs: the
 * prefix, the UTC time to the second and a random tail, within the API's id rule
 * (letters, digits, "-", "_", ":").
 */
export function recordId(prefix: string, now: Date, random: () => number = Math.random): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const tail = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${prefix}-${stamp}-${tail}`;
}

/** One record of an upload's answer, as the result table lists it. */
export interface UploadRow {
  line: number;
  id?: string;
  accepted: boolean;
  reason?: string;
  warning?: string;
}

/** The refused rows first (what the user must put right), then the rest, each in file order. */
export function refusedFirst(rows: readonly UploadRow[]): UploadRow[] {
  return [...rows].sort((a, b) => Number(a.accepted) - Number(b.accepted) || a.line - b.line);
}
