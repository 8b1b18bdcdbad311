import { ClientProxy } from '@nestjs/microservices';
import { requestService } from './service-request';

/** One row's answer, as reporting gives it (with caseId for cases, id for complaints). */
type RowAnswer = { row: number; accepted: boolean; reason?: string };
type BatchAnswer<R extends RowAnswer> = { accepted: number; rejected: number; results: R[] };

/**
 * Sends reporting the rows of a batch the gateway lets through (`refuse` answers why not) as
 * `{ [field]: rows, halls }`, and answers every row of the batch in its order: refused rows with
 * their reason and `label` (the row's id), the others as reporting answered them.
 */
export async function forwardRows<R extends RowAnswer>(
  nats: ClientProxy,
  subject: string,
  field: string,
  rows: readonly Record<string, unknown>[],
  halls: string[] | undefined,
  refuse: (data: Record<string, unknown>) => string | undefined,
  label: (data: Record<string, unknown>) => Omit<R, keyof RowAnswer>,
): Promise<BatchAnswer<R>> {
  const refused: R[] = [];
  const allowed: { row: number; data: Record<string, unknown> }[] = [];
  rows.forEach((data, row) => {
    const reason = refuse(data);
    if (reason === undefined) allowed.push({ row, data });
    else refused.push({ row, ...label(data), accepted: false, reason } as R);
  });
  const answer: BatchAnswer<R> = allowed.length
    ? await requestService<BatchAnswer<R>>(nats, subject, { [field]: allowed.map((a) => a.data), halls }, 60000)
    : { accepted: 0, rejected: 0, results: [] };
  const results = [...answer.results.map((r) => ({ ...r, row: allowed[r.row].row })), ...refused].sort((a, b) => a.row - b.row);
  return { accepted: answer.accepted, rejected: results.length - answer.accepted, results };
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
