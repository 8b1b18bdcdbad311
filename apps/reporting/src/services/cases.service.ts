import { Injectable, Logger } from '@nestjs/common';
import { CaseImportResult, CaseMessage, caseUpdateFlag, Subjects, SYSTEM_WRITERS, Writer } from '@hallwatch/contracts';
import { batchAnswer, checkRows } from './batch-rows';
import { CardsService } from './cards.service';
import { RectificationsService } from './rectifications.service';
import { RollupService } from './rollup.service';
import { SiteWindows } from './site-windows';

/**
 * Takes cases in from every route (HTTP batch, CSV import, hallwatch.cases) with one validation;
 * a case seen in flight gets the cards it is due at once, a badly rated one its rectification order.
 */
@Injectable()
export class CasesService {
  private readonly log = new Logger(CasesService.name);

  constructor(
    private readonly site: SiteWindows,
    private readonly rollups: RollupService,
    private readonly cards: CardsService,
    private readonly rectifications: RectificationsService,
  ) {}

  /**
   * Validates each row on its own: good rows are stored, every other one is answered with the
   * reason (invalid, a caseId repeated in the batch, a window the site file lacks, for a caller limited to `halls`, a window
   * or a stored case of another hall, or a change to a stored case `by` may not make). Rows are
   * numbered from `firstRow`; `by` is the signed-in user (the CLI's import writes as the system).
   * A refusal without a reason is stored, flagged, with a `warning` in its row.
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
    const recorded = await this.rollups.recordCases(
      accepted.map((a) => a.value),
      halls,
      by,
    );
    const stored = recorded.flatMap((r) => (r.state ? [r.state] : []));
    await this.cards.judgeStored(stored);
    await this.rectifications.followUpRatings(stored);
    const answer = batchAnswer(
      results,
      accepted,
      recorded.map((r) => r.refused),
    );
    accepted.forEach(({ index, value }) => {
      const flag = caseUpdateFlag(value);
      if (flag && answer.results[index].accepted) answer.results[index].warning = flag;
    });
    return { ...answer, results: answer.results.map(({ id, ...r }) => (id === undefined ? r : { ...r, caseId: id })) };
  }

  /** One case from hallwatch.cases, already validated: written by the queue system. */
  async record(c: CaseMessage): Promise<void> {
    const [recorded] = await this.rollups.recordCases([c], undefined, SYSTEM_WRITERS.queue);
    if (recorded.state) {
      await this.cards.judgeStored([recorded.state]);
      await this.rectifications.followUpRatings([recorded.state]);
    }
    const flag = caseUpdateFlag(c);
    if (flag) this.log.warn(`case ${c.caseId} (${Subjects.cases}): ${flag}`);
  }
}
