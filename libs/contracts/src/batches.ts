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
