import { Injectable } from '@nestjs/common';
import { BatchResult, LeaveMessage, Subjects } from '@hallwatch/contracts';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { ReportingRepository } from '../repositories/reporting.repository';
import { batchAnswer, checkRows } from './batch-rows';
import { RollupService } from './rollup.service';

/** Longest leave one row may register: a year, so a typo in a year cannot excuse a decade. */
const MAX_LEAVE_MS = 366 * 24 * 3600_000;

const SAME_FIELDS: (keyof LeaveMessage)[] = ['staffId', 'kind', 'from', 'to', 'reason', 'approvedBy', 'replacementStaffId'];

/**
 * Takes leaves in from every route (HTTP batch, CSV import) with one validation: stores each
 * (insert-only by id), recomputes the attendance it changes, and publishes it on hallwatch.leaves
 * so inference excuses the incidents it covers.
 */
@Injectable()
export class LeavesService {
  constructor(
    private readonly repo: ReportingRepository,
    private readonly rollups: RollupService,
    private readonly jetstream: JetStreamRepository,
  ) {}

  /**
   * Answers each row: accepted (stored now, or stored before with the same fields) or rejected
   * with the reason (invalid, an id repeated in the batch, an id stored with other fields, or,
   * for a caller limited to `halls`, staff not rostered in them). Rows are numbered from `firstRow`.
   */
  async importBatch(rows: readonly unknown[], firstRow = 0, halls?: readonly string[]): Promise<BatchResult> {
    const site = this.rollups.site;
    const { results, accepted } = checkRows(
      rows,
      firstRow,
      LeaveMessage,
      'id',
      (l) =>
        halls && !site.windowsRostering([l.staffId]).some((w) => site.inHalls(w, halls))
          ? `staffId "${l.staffId}" is not on the roster of a window in your halls`
          : undefined,
      (l) => {
        if (l.replacementStaffId === l.staffId) return 'replacementStaffId must differ from staffId';
        if (Date.parse(l.to) - Date.parse(l.from) > MAX_LEAVE_MS) return 'to: a leave may cover at most 366 days';
        return undefined;
      },
    );
    // One at a time, in the batch's order: a leave is stored, counted and published before the next.
    const refused: (string | undefined)[] = [];
    for (const { value } of accepted) refused.push(await this.store(value));
    return batchAnswer(results, accepted, refused);
  }

  /** Stores, counts and publishes a leave; or why not (its id is stored with other fields). */
  private async store(leave: LeaveMessage): Promise<string | undefined> {
    const stored = await this.repo.insertLeave(leave);
    const differs = stored && SAME_FIELDS.find((k) => !sameField(k, stored, leave));
    if (differs) return `leave "${leave.id}" is already registered with another ${differs}; leaves are never changed: register a new id`;
    await this.rollups.recordLeave({ ...leave, from: Date.parse(leave.from), to: Date.parse(leave.to) });
    // Also for a leave stored before: its earlier publication may have failed (deduplicated by id).
    await this.jetstream.publish('leaves', Subjects.leaves, leave, `leave:${leave.id}`);
    return undefined;
  }
}

function sameField(key: keyof LeaveMessage, a: LeaveMessage, b: LeaveMessage): boolean {
  // Times compare as instants: the same moment may be written with another offset.
  if (key === 'from' || key === 'to') return Date.parse(a[key]) === Date.parse(b[key]);
  return (a[key] ?? undefined) === (b[key] ?? undefined);
}
