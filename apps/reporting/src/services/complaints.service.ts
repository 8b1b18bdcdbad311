import { Injectable } from '@nestjs/common';
import { BatchResult, ComplaintMessage } from '@hallwatch/contracts';
import { ReportingRepository } from '../repositories/reporting.repository';
import { WriteLockRepository } from '../repositories/write-lock.repository';
import { batchAnswer, checkRows, inParallel } from './batch-rows';
import { RollupService } from './rollup.service';

/**
 * Takes complaints in (HTTP batch, CSV import) with one validation. They are stored as they are
 * and read by the evaluation table. Writes take reporting's write lock: on FerretDB a conditional
 * replace (the hall check) is a read then a write, atomic only under the lock.
 */
@Injectable()
export class ComplaintsService {
  constructor(
    private readonly repo: ReportingRepository,
    private readonly rollups: RollupService,
    private readonly lock: WriteLockRepository,
  ) {}

  /**
   * Validates each row on its own: good rows are stored, every other one is answered with the
   * reason (invalid, an id repeated in the batch, a window the site file lacks, or, for a caller
   * limited to `halls`, a window of another hall, no window at all, or a stored complaint of
   * another hall). Rows are numbered from `firstRow`.
   */
  async importBatch(rows: readonly unknown[], firstRow = 0, halls?: readonly string[]): Promise<BatchResult> {
    const site = this.rollups.site;
    const { results, accepted } = checkRows(rows, firstRow, ComplaintMessage, 'id', (c) => {
      if (c.windowId === undefined) return halls ? 'windowId: a complaint without a window may be filed by an admin only' : undefined;
      if (!site.has(c.windowId)) return `windowId: no window "${c.windowId}" in the site file`;
      if (halls && !site.inHalls(c.windowId, halls)) return `window "${c.windowId}" is outside your halls`;
      return undefined;
    });
    const store = () =>
      inParallel(accepted, 8, async ({ value: c }) => {
        this.lock.check();
        const stored = await this.repo.replaceComplaint(
          {
            id: c.id,
            receivedAt: Date.parse(c.receivedAt),
            channel: c.channel,
            windowId: c.windowId,
            hallId: c.windowId === undefined ? undefined : site.info.get(c.windowId)?.hallId,
            staffId: c.staffId,
            caseId: c.caseId,
            category: c.category,
            verified: c.verified,
            outcome: c.outcome,
          },
          halls,
        );
        return stored ? undefined : `complaint "${c.id}" is stored for another hall, outside your halls`;
      });
    const refused = accepted.length > 0 ? await this.lock.run(store) : [];
    return batchAnswer(results, accepted, refused);
  }
}
