import { Injectable } from '@nestjs/common';
import { CaseImportResult, CaseMessage, SYSTEM_WRITERS, Writer } from '@hallwatch/contracts';
import { batchAnswer, checkRows } from './batch-rows';
import { RollupService } from './rollup.service';
import { SiteWindows } from './site-windows';

/** Takes cases in from every route (HTTP batch, CSV import, hallwatch.cases) with one validation. */
@Injectable()
export class CasesService {
  constructor(
    private readonly site: SiteWindows,
    private readonly rollups: RollupService,
  ) {}

  /**
   * Validates each row on its own: good rows are stored, every other one is answered with the
   * reason (invalid, a caseId repeated in the batch, a window the site file lacks, for a caller limited to `halls`, a window
   * or a stored case of another hall, or a change to a stored case `by` may not make). Rows are
   * numbered from `firstRow`; `by` is the signed-in user (the CLI's import writes as the system).
   */
  async importBatch(
    rows: readonly unknown[],
    firstRow = 0,
    halls?: readonly string[],
    by: Writer = SYSTEM_WRITERS.cli,
  ): Promise<CaseImportResult> {
    const { results, accepted } = checkRows(rows, firstRow, CaseMessage, 'caseId', (c) => {
      if (!this.site.has(c.windowId)) return `windowId: no window "${c.windowId}" in the site file`;
      if (halls && !this.site.inHalls(c.windowId, halls)) return `window "${c.windowId}" is outside your halls`;
      return undefined;
    });
    const refused = await this.rollups.recordCases(
      accepted.map((a) => a.value),
      halls,
      by,
    );
    const answer = batchAnswer(results, accepted, refused);
    return { ...answer, results: answer.results.map(({ id, ...r }) => (id === undefined ? r : { ...r, caseId: id })) };
  }

  /** One case from hallwatch.cases, already validated: written by the queue system. */
  async record(c: CaseMessage): Promise<void> {
    await this.rollups.recordCases([c], undefined, SYSTEM_WRITERS.queue);
  }
}
