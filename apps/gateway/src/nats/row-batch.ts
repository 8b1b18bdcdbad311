import { ClientProxy } from '@nestjs/microservices';
import type { BatchResult, RowResult, Writer } from '@hallwatch/contracts';
import type { SiteConfig } from '@hallwatch/config';
import { requestService } from './service-request';

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

/** Sends reporting the rows of a batch as `{ [field]: rows, halls, by }` (`by`: who submits them); reporting answers each row. */
export function toReporting<R extends RowAnswer>(
  nats: ClientProxy,
  subject: string,
  field: string,
  halls: string[] | undefined,
  by: Writer,
): (rows: Record<string, unknown>[]) => Promise<BatchResult<R>> {
  return (rows) => requestService<BatchResult<R>>(nats, subject, { [field]: rows, halls, by }, 60000);
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
