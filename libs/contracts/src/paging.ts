import { checkedBy, isId } from './ids';

/** Items per page of a list when the caller names no `limit`, and the most a caller may ask for. */
export const PAGE_LIMIT = { default: 100, max: 1000 } as const;

/** One page of a list; `nextCursor`, when set, is what to send as `cursor` (same filters) for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Where a page of a list sorted newest first (by a time, then by id) ended. */
export interface CursorPosition {
  /** Epoch ms of the last item's time. */
  at: number;
  id: string;
}

/** An opaque cursor (base64url, so it travels in a URL unescaped). */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** The position a cursor from encodeCursor names; undefined for anything else. */
export function decodeCursor(cursor: unknown): CursorPosition | undefined {
  if (typeof cursor !== 'string' || cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [at, id] = parsed as unknown[];
  return Number.isSafeInteger(at) && isId(id) ? { at: at as number, id } : undefined;
}

/** `@IsCursor()`: a cursor as a previous page's nextCursor gave it. */
export const IsCursor = checkedBy('isCursor', (v) => decodeCursor(v) !== undefined, 'must be the nextCursor of a previous page');

/**
 * How many of `items`, from the first, fit in `budget` bytes of JSON (the array's brackets and
 * commas included); at least one, so a page always moves on (an item too large on its own is
 * then refused where the reply is sent).
 */
export function fittingCount(items: readonly unknown[], budget: number): number {
  let bytes = 2;
  for (let i = 0; i < items.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(items[i])) + (i > 0 ? 1 : 0);
    if (bytes > budget) return Math.max(1, i);
  }
  return items.length;
}
