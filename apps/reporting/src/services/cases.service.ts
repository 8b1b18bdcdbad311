import { Injectable } from '@nestjs/common';
import { CaseImportResult, CaseMessage, CaseRowResult, validateMessage } from '@hallwatch/contracts';
import { RollupService } from './rollup.service';

/** Takes cases in from every route (HTTP batch, CSV import, hallwatch.cases) with one validation. */
@Injectable()
export class CasesService {
  constructor(private readonly rollups: RollupService) {}

  /**
   * Validates each row on its own: good rows are stored, every other one is answered with the
   * reason (invalid, a caseId repeated in the batch, a window the site file lacks, or, for a caller limited to `halls`, a window
   * or a stored case of another hall). Rows are numbered from `firstRow`.
   */
  async importBatch(rows: readonly unknown[], firstRow = 0, halls?: readonly string[]): Promise<CaseImportResult> {
    const accepted: { index: number; value: CaseMessage }[] = [];
    const firstOf = new Map<string, number>();
    const results: CaseRowResult[] = rows.map((raw, i) => {
      const row = firstRow + i;
      const decoded = validateMessage(CaseMessage, raw);
      const caseId = typeof (raw as { caseId?: unknown })?.caseId === 'string' ? (raw as { caseId: string }).caseId : undefined;
      if (!decoded.ok) return { row, caseId, accepted: false, reason: decoded.reason };
      const c = decoded.value;
      const first = firstOf.get(c.caseId);
      if (first !== undefined)
        return {
          row,
          caseId,
          accepted: false,
          reason: `caseId "${c.caseId}" appears more than once in this batch (first in row ${first})`,
        };
      firstOf.set(c.caseId, row);
      if (!this.rollups.site.has(c.windowId))
        return { row, caseId, accepted: false, reason: `windowId: no window "${c.windowId}" in the site file` };
      if (halls && !this.rollups.site.inHalls(c.windowId, halls))
        return { row, caseId, accepted: false, reason: `window "${c.windowId}" is outside your halls` };
      accepted.push({ index: i, value: c });
      return { row, caseId, accepted: true };
    });
    const refused = await this.rollups.recordCases(
      accepted.map((a) => a.value),
      halls,
    );
    refused.forEach((reason, k) => {
      if (reason) results[accepted[k].index] = { ...results[accepted[k].index], accepted: false, reason };
    });
    const stored = results.filter((r) => r.accepted).length;
    return { accepted: stored, rejected: results.length - stored, results };
  }

  /** One case from hallwatch.cases, already validated. */
  async record(c: CaseMessage): Promise<void> {
    await this.rollups.recordCases([c]);
  }
}
