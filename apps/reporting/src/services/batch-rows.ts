import { BatchResult, RowResult, validateMessage } from '@hallwatch/contracts';

/**
 * Validates each row of a batch on its own as a `type`, numbered from `firstRow`: a row is
 * refused with its reason when invalid (by `type`, then by `rules` of the row alone), when its id
 * repeats an earlier valid row's, or when `check` names a problem (e.g. a window the site file
 * lacks); the others are accepted for storing.
 */
export function checkRows<T extends object>(
  rows: readonly unknown[],
  firstRow: number,
  type: new () => T,
  idField: keyof T & string,
  check: (value: T) => string | undefined,
  rules: (value: T) => string | undefined = () => undefined,
): { results: RowResult[]; accepted: { index: number; value: T }[] } {
  const accepted: { index: number; value: T }[] = [];
  const firstOf = new Map<string, number>();
  const results = rows.map((raw, i): RowResult => {
    const row = firstRow + i;
    const given = (raw as Record<string, unknown> | null)?.[idField];
    const id = typeof given === 'string' ? given : undefined;
    const decoded = validateMessage(type, raw);
    if (!decoded.ok) return { row, id, accepted: false, reason: decoded.reason };
    const invalid = rules(decoded.value);
    if (invalid) return { row, id, accepted: false, reason: invalid };
    const key = decoded.value[idField] as string;
    const first = firstOf.get(key);
    if (first !== undefined)
      return { row, id, accepted: false, reason: `${idField} "${key}" appears more than once in this batch (first in row ${first})` };
    firstOf.set(key, row);
    const problem = check(decoded.value);
    if (problem) return { row, id, accepted: false, reason: problem };
    accepted.push({ index: i, value: decoded.value });
    return { row, id, accepted: true };
  });
  return { results, accepted };
}

/** The batch's answer once storing has refused some accepted rows (refused[k]: why accepted[k] was not stored). */
export function batchAnswer(
  results: RowResult[],
  accepted: readonly { index: number }[],
  refused: readonly (string | undefined)[],
): BatchResult {
  refused.forEach((reason, k) => {
    if (reason) results[accepted[k].index] = { ...results[accepted[k].index], accepted: false, reason };
  });
  const stored = results.filter((r) => r.accepted).length;
  return { accepted: stored, rejected: results.length - stored, results };
}

/** Maps items with at most `limit` at a time, answers in input order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
