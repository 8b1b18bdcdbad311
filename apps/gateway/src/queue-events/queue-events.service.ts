import { Injectable } from '@nestjs/common';
import { BatchResult, QueueEventMessage, queueEventId, RowResult, validateMessage } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { AuthUser } from '../auth/auth.types';
import { hallScope } from '../auth/hall-scope';
import { QueueEventsRepository } from './queue-events.repository';

@Injectable()
export class QueueEventsService {
  private readonly hallOf: Map<string, string>;

  constructor(
    private readonly repo: QueueEventsRepository,
    @InjectContext() ctx: ServiceContext,
  ) {
    this.hallOf = new Map(ctx.site.windows.map((w) => [w.id, w.hall]));
  }

  /**
   * Publishes the rows that are valid, of a window in the site file and within the caller's
   * halls; the others are answered with the reason. Rows are published in order, one at a time,
   * so a window's events reach its consumers in the order given.
   */
  async publish(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult> {
    const halls = hallScope(user);
    const results: RowResult[] = [];
    for (const [row, data] of rows.entries()) {
      const decoded = validateMessage(QueueEventMessage, data);
      if (!decoded.ok) {
        results.push({ row, accepted: false, reason: decoded.reason });
        continue;
      }
      const event = decoded.value;
      const id = queueEventId(event);
      const hall = this.hallOf.get(event.windowId);
      const refused =
        hall === undefined
          ? `windowId: no window ${JSON.stringify(event.windowId)} in the site file`
          : halls && !halls.includes(hall)
            ? `window ${JSON.stringify(event.windowId)} is outside your halls`
            : undefined;
      if (refused === undefined) {
        try {
          await this.repo.publish(event);
        } catch (err) {
          results.push({ row, id, accepted: false, reason: `not stored, try again: ${(err as Error).message}` });
          continue;
        }
      }
      results.push(refused === undefined ? { row, id, accepted: true } : { row, id, accepted: false, reason: refused });
    }
    const accepted = results.filter((r) => r.accepted).length;
    return { accepted, rejected: results.length - accepted, results };
  }
}
