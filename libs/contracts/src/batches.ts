import { ArrayMaxSize, IsArray } from 'class-validator';

/** The most rows one batch may hold (POST /api/cases, /api/leaves, /api/complaints, /api/queue-events); larger files go in several. */
export const BATCH_MAX_ROWS = 5000;

/** `@IsRows()`: a batch's rows, at most BATCH_MAX_ROWS; each row is checked on its own, so one bad row never sinks the batch. */
export function IsRows(): PropertyDecorator {
  return (object: object, property: string | symbol) => {
    for (const decorate of [IsArray(), ArrayMaxSize(BATCH_MAX_ROWS)]) decorate(object, property);
  };
}

/**
 * One row of a batch (leaves, complaints, queue events; cases answer `caseId` instead of `id`):
 * accepted, or rejected with the reason.
 */
export interface RowResult {
  /** Position in the batch (0-based) or, for CSV, as given by the importer. */
  row: number;
  id?: string;
  accepted: boolean;
  reason?: string;
  /** Accepted, but something in the row was ignored (e.g. a leave's `approvedBy`). */
  warning?: string;
}

/** A batch's answer: every row in its order, with the counts. */
export interface BatchResult<R extends Omit<RowResult, 'id'> = RowResult> {
  accepted: number;
  rejected: number;
  results: R[];
}
