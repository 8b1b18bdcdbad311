import { Injectable } from '@nestjs/common';
import { BatchResult, Decoded, QueueEventMessage, queueEventId, RowResult, validateMessage } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { AuthUser } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { answerRows, hallsOfWindows, windowRefusal } from '../utils/row-batch';
import { QueueEventsRepository } from '../repositories/queue-events.repository';

@Injectable()
export class QueueEventsService {
  private readonly hallOf: ReadonlyMap<string, string>;

  constructor(
    private readonly repo: QueueEventsRepository,
    @InjectContext() ctx: ServiceContext,
  ) {
    this.hallOf = hallsOfWindows(ctx.site);
  }

  /**
   * Publishes the rows that are valid, of a window in the site file and within the caller's
   * halls, as submitted by the signed-in user (whatever a row says); the others are answered with
   * the reason.
   */
  publish(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult> {
    const halls = hallScope(user);
    const submittedAt = new Date().toISOString();
    return answerRows<Decoded<QueueEventMessage>, RowResult>(
      rows.map((data) => validateMessage(QueueEventMessage, data)),
      (decoded) => (decoded.ok ? windowRefusal(decoded.value.windowId, this.hallOf, halls) : decoded.reason),
      (decoded) => (decoded.ok ? { id: queueEventId(decoded.value) } : {}),
      (allowed) =>
        this.publishInOrder(
          allowed.flatMap((decoded) => (decoded.ok ? [{ ...decoded.value, submittedBy: user.username, submittedAt }] : [])),
        ),
    );
  }

  /** One at a time, so a window's events reach its consumers in the order given. */
  private async publishInOrder(events: QueueEventMessage[]): Promise<BatchResult> {
    const results: RowResult[] = [];
    for (const [row, event] of events.entries()) {
      const id = queueEventId(event);
      try {
        await this.repo.publish(event);
        results.push({ row, id, accepted: true });
      } catch (err) {
        results.push({ row, id, accepted: false, reason: `not stored, try again: ${(err as Error).message}` });
      }
    }
    const accepted = results.filter((r) => r.accepted).length;
    return { accepted, rejected: results.length - accepted, results };
  }
}
