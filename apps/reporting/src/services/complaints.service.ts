import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import {
  BatchResult,
  ComplaintMessage,
  ComplaintRecord,
  RecordRef,
  SYSTEM_WRITERS,
  Writer,
  windowlessComplaintRefusal,
} from '@hallwatch/contracts';
import { complaintChangeRefusal } from '@hallwatch/domain';
import { ComplaintsRepository } from '../repositories/complaints.repository';
import { WriteLockRepository } from '../repositories/write-lock.repository';
import { batchAnswer, checkRows, inParallel } from './batch-rows';
import { SiteWindows } from './site-windows';

/**
 * Takes complaints in (HTTP batch, CSV import) with one validation. Each is stored as a version
 * with who submitted it, and read by the evaluation table. Writes take reporting's write lock:
 * on FerretDB a conditional write (the hall and verification checks) is a read then a write,
 * atomic only under the lock.
 */
@Injectable()
export class ComplaintsService {
  constructor(
    private readonly complaints: ComplaintsRepository,
    private readonly site: SiteWindows,
    private readonly lock: WriteLockRepository,
  ) {}

  /**
   * Validates each row on its own: good rows are stored (a new version when the fields differ
   * from the stored ones), every other one is answered with the reason (invalid, an id repeated in
   * the batch, a window the site file lacks, for a caller limited to `halls` a window of another
   * hall, no window at all, or a stored complaint of another hall, or a verification `by` may not
   * set or change: complaintChangeRefusal). Rows are numbered from `firstRow`.
   */
  async importBatch(
    rows: readonly unknown[],
    firstRow = 0,
    halls?: readonly string[],
    by: Writer = SYSTEM_WRITERS.cli,
  ): Promise<BatchResult> {
    const { results, accepted } = checkRows(rows, firstRow, ComplaintMessage, 'id', (c) => {
      if (c.windowId === undefined) return windowlessComplaintRefusal(halls);
      if (!this.site.has(c.windowId)) return `windowId: no window "${c.windowId}" in the site file`;
      if (halls && !this.site.inHalls(c.windowId, halls)) return `window "${c.windowId}" is outside your halls`;
      return undefined;
    });
    const written = { submittedBy: by.username, submittedAt: new Date() };
    const store = () =>
      inParallel(accepted, 8, async ({ value: c }) => {
        const stored = await this.complaints.complaint(c.id);
        if (stored && halls && !(stored.hallId && halls.includes(stored.hallId)))
          return `complaint "${c.id}" is stored for another hall, outside your halls`;
        // Posting what is stored again changes nothing, whoever posts it.
        if (stored && sameComplaint(stored, c)) return undefined;
        const refused = complaintChangeRefusal(by.role, stored, c);
        if (refused) return `complaint "${c.id}": ${refused}`;
        this.lock.check();
        const saved = await this.complaints.saveComplaint(
          {
            id: c.id,
            receivedAt: Date.parse(c.receivedAt),
            channel: c.channel,
            windowId: c.windowId,
            hallId: c.windowId === undefined ? undefined : this.site.info.get(c.windowId)?.hallId,
            staffId: c.staffId,
            caseId: c.caseId,
            category: c.category,
            verified: c.verified,
            outcome: c.outcome,
          },
          written,
          stored?.version ?? 0,
        );
        return saved ? undefined : `complaint "${c.id}" changed while it was being stored: post it again`;
      });
    const refused = accepted.length > 0 ? await this.lock.run(store) : [];
    return batchAnswer(results, accepted, refused);
  }

  /** A complaint with every version and who made it; 404 when unknown, 403 outside `halls` (one without a window is in none). */
  async get(ref: RecordRef): Promise<ComplaintRecord> {
    const complaint = await this.complaints.complaint(ref.id);
    if (!complaint) throw new NotFoundException(`no complaint "${ref.id}"`);
    if (ref.halls && !(complaint.hallId && ref.halls.includes(complaint.hallId)))
      throw new ForbiddenException(`complaint "${ref.id}" is outside your halls`);
    return complaint;
  }
}

const FIELDS = ['channel', 'windowId', 'staffId', 'caseId', 'category', 'verified', 'outcome'] as const;

function sameComplaint(stored: ComplaintRecord, c: ComplaintMessage): boolean {
  return (
    Date.parse(stored.receivedAt) === Date.parse(c.receivedAt) && FIELDS.every((k) => (stored[k] ?? undefined) === (c[k] ?? undefined))
  );
}
