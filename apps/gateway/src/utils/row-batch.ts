import { ClientProxy } from '@nestjs/microservices';
import type { BatchResult, RowResult, Writer } from '@hallwatch/contracts';
import type { SiteConfig } from '@hallwatch/config';
import { maxPayload, requestService } from '../repositories/service-request';

/** The fields every row answer has (cases add `caseId`, the others `id`). */
type RowAnswer = Omit<RowResult, 'id'>;

/**
 * Answers every row of a batch in its order: rows `refuse` names a reason for are rejected with it
 * and their `label` (the row's id); the others go to `store` together, whose answer (rows numbered
 * within what it was given) is renumbered to the batch.
 */
export async function answerRows<T, R extends RowAnswer>(
  rows: readonly T[],
  refuse: (item: T) => string | undefined,
  label: (item: T) => Omit<R, keyof RowAnswer>,
  store: (allowed: T[]) => Promise<BatchResult<R>>,
): Promise<BatchResult<R>> {
  const refused: R[] = [];
  const allowed: { row: number; item: T }[] = [];
  rows.forEach((item, row) => {
    const reason = refuse(item);
    if (reason === undefined) allowed.push({ row, item });
    else refused.push({ row, ...label(item), accepted: false, reason } as R);
  });
  const answer: BatchResult<R> = allowed.length ? await store(allowed.map((a) => a.item)) : { accepted: 0, rejected: 0, results: [] };
  const results = [...answer.results.map((r) => ({ ...r, row: allowed[r.row].row })), ...refused].sort((a, b) => a.row - b.row);
  return { accepted: answer.accepted, rejected: results.length - answer.accepted, results };
}

/** Room in a request for what wraps the rows (the transport's pattern and id). */
const REQUEST_ENVELOPE_BYTES = 1024;

/**
 * Sends reporting the rows of a batch as `{ [field]: rows, halls, by }` (`by`: who submits them), in as many requests as it
 * takes to keep each under the NATS max payload (5000 rows are several MB); reporting answers each
 * row, and the answers are put together as one.
 */
export function toReporting<R extends RowAnswer>(
  nats: ClientProxy,
  subject: string,
  field: string,
  halls: string[] | undefined,
  by: Writer,
  idField = 'id',
): (rows: Record<string, unknown>[]) => Promise<BatchResult<R>> {
  return async (rows) => {
    const budget = (await maxPayload(nats)) - REQUEST_ENVELOPE_BYTES - Buffer.byteLength(JSON.stringify({ [field]: [], halls, by }));
    const results: R[] = [];
    let accepted = 0;
    for (const group of sizedGroups(rows, budget, idField)) {
      const answer = await requestService<BatchResult<R>>(nats, subject, { [field]: group.map((i) => rows[i]), halls, by }, 60000);
      accepted += answer.accepted;
      results.push(...answer.results.map((r) => ({ ...r, row: group[r.row] })));
    }
    results.sort((a, b) => a.row - b.row);
    return { accepted, rejected: results.length - accepted, results };
  };
}

/**
 * The rows' indices in groups of at most `budget` bytes of JSON each, in order. A row whose
 * `idField` repeats an earlier row's joins that row's group, so the service still sees the repeat
 * (and refuses it) as it would in one request.
 */
export function sizedGroups(rows: readonly Record<string, unknown>[], budget: number, idField: string): number[][] {
  const groups: number[][] = [];
  const groupOf = new Map<string, number[]>();
  let current: number[] = [];
  let bytes = 2;
  rows.forEach((row, i) => {
    const size = Buffer.byteLength(JSON.stringify(row) ?? 'null') + 1;
    const id = row?.[idField];
    const earlier = typeof id === 'string' ? groupOf.get(id) : undefined;
    if (earlier) return void earlier.push(i);
    if (current.length > 0 && bytes + size > budget) {
      current = [];
      bytes = 2;
    }
    if (current.length === 0) groups.push(current);
    current.push(i);
    bytes += size;
    if (typeof id === 'string') groupOf.set(id, current);
  });
  return groups;
}

/** The signed-in user as the writer of what they submit. */
export function writerOf(user: { username: string; role: Writer['role'] }): Writer {
  return { username: user.username, role: user.role };
}

/** Each window's hall, for windowRefusal. */
export function hallsOfWindows(site: SiteConfig): ReadonlyMap<string, string> {
  return new Map(site.windows.map((w) => [w.id, w.hall]));
}

/** Why a row naming `windowId` may not be written by a caller limited to `halls`; undefined: it may. */
export function windowRefusal(
  windowId: unknown,
  hallOf: ReadonlyMap<string, string>,
  halls: readonly string[] | undefined,
): string | undefined {
  // A row without a windowId string goes on, so reporting names every problem it has.
  const id = typeof windowId === 'string' ? windowId : undefined;
  const hall = id === undefined ? undefined : hallOf.get(id);
  if (id !== undefined && hall === undefined) return `windowId: no window ${JSON.stringify(id.slice(0, 200))} in the site file`;
  if (halls && !(hall && halls.includes(hall))) return `window ${JSON.stringify(String(id ?? '').slice(0, 200))} is outside your halls`;
  return undefined;
}
