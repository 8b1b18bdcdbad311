/**
 * `attachment` with the file's name for every browser: `filename*` in UTF-8 (RFC 5987, RFC 6266),
 * which current browsers prefer, and an ASCII `filename` for the others.
 */
export function attachment(name: string, ascii: string): string {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const fallback = ascii.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
