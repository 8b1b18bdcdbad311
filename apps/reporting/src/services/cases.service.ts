import { Injectable } from '@nestjs/common';
import { CaseImportResult, CaseMessage, CaseRowResult, validateMessage } from '@hallwatch/contracts';
import { RollupService } from './rollup.service';

/** Takes cases in from every route (HTTP batch, CSV import, hallwatch.cases) with one validation. */
@Injectable()
export class CasesService {
  constructor(private readonly rollups: RollupService) {}

  /** Validates each row on its own: good rows are stored, bad ones answered with the reason. */
  async importBatch(rows: readonly unknown[], firstRow = 0): Promise<CaseImportResult> {
    const accepted: CaseMessage[] = [];
    const results: CaseRowResult[] = rows.map((raw, i) => {
      const row = firstRow + i;
      const decoded = validateMessage(CaseMessage, raw);
      const caseId = typeof (raw as { caseId?: unknown })?.caseId === 'string' ? (raw as { caseId: string }).caseId : undefined;
      if (!decoded.ok) return { row, caseId, accepted: false, reason: decoded.reason };
      accepted.push(decoded.value);
      return { row, caseId, accepted: true };
    });
    await this.rollups.recordCases(accepted);
    return { accepted: accepted.length, rejected: results.length - accepted.length, results };
  }

  /** One case from hallwatch.cases, already validated. */
  record(c: CaseMessage): Promise<void> {
    return this.rollups.recordCases([c]);
  }
}
