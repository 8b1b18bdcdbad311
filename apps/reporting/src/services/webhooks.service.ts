import { Injectable, Logger } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { withoutAudit, type CardMessage, type IncidentMessage } from '@hallwatch/contracts';
import { webhookSecrets, type WebhookConfig } from '@hallwatch/config';
import {
  idempotencyKey,
  wantsEvent,
  type WebhookEvent,
  webhookBody,
  webhookId,
  webhookRetryDelayMs,
  webhookSignature,
} from '@hallwatch/domain';
import { InjectContext, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';
import { ClaimedDelivery, NewDelivery, WebhookDeliveriesRepository } from '../repositories/webhook-deliveries.repository';

/** Longest a receiver may take to answer one attempt. */
const REQUEST_TIMEOUT_MS = 10_000;
/** How long a claim holds a delivery: past the request timeout, so a crashed instance's claim lapses and another tries. */
const CLAIM_MS = 60_000;
/** How long a settled delivery stays in webhook_deliveries for an operator to look up: it is a log, not the record. */
export const SETTLED_KEPT_MS = 30 * 86_400_000;
/** How often the settled deliveries past SETTLED_KEPT_MS are deleted. */
const PRUNE_EVERY_MS = 3_600_000;

interface Webhook {
  id: string;
  config: WebhookConfig;
  secret: string;
  /** How logs name it: its id and host, never the URL (it may carry the receiver's token). */
  name: string;
}

/** What caused a rectification.overdue event, for rectificationOverdue. */
export interface OverdueRectification {
  /** The rectification order's id: the idempotency key is `rectification.overdue:<id>`. */
  id: string;
  hallId: string;
  /** When it turned overdue (ISO 8601): the body's `at`. */
  at: string;
}

/**
 * Outgoing webhooks (site key notifications.webhooks). Each event is stored as one delivery per
 * webhook that wants it (`webhook_deliveries`) before its message is acknowledged; `dispatchDue`
 * posts the due ones, signed, and retries a failed attempt with the domain's backoff, so each is
 * delivered at least once per webhook and idempotency key. Starting with a webhook whose secret
 * variable is unset fails, naming it.
 */
@Injectable()
export class WebhooksService {
  private readonly log = new Logger(WebhooksService.name);
  private readonly webhooks: Webhook[];
  private readonly byId: Map<string, Webhook>;
  private readonly outcomes: Counter<'event' | 'outcome'>;
  /** Set once a look found nothing due while the site file has no webhook: nothing can be added after that. */
  private idle = false;
  private prunedAt = 0;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly deliveries: WebhookDeliveriesRepository,
    metrics: ServiceMetrics,
  ) {
    const configs = ctx.site.notifications.webhooks;
    const secrets = webhookSecrets(configs);
    this.webhooks = configs.map((config, i) => {
      const id = webhookId(config.url);
      return { id, config, secret: secrets[i], name: `webhook ${id} (${new URL(config.url).host})` };
    });
    this.byId = new Map(this.webhooks.map((w) => [w.id, w]));
    this.outcomes = metrics.counter({
      name: 'hallwatch_webhook_deliveries_total',
      help: 'Outgoing webhook attempts by event and outcome: delivered (answered 2xx), retried (due again), failed (out of attempts or the webhook is gone)',
      labelNames: ['event', 'outcome'],
    });
  }

  /** incident.opened, for an incident's `opened` message consumed from `subject`. */
  incidentOpened(incident: IncidentMessage, subject: string): Promise<void> {
    return this.notify('incident.opened', incident.id, incident.openedAt, incident.hallId, withoutAudit(incident), subject);
  }

  /** card.issued, for a card consumed from `subject` (idempotency key `card.issued:<caseId>:<color>`). */
  cardIssued(card: CardMessage, subject: string): Promise<void> {
    return this.notify('card.issued', `${card.caseId}:${card.color}`, card.issuedAt, card.hallId, card, subject);
  }

  /**
   * rectification.overdue, for code that learns a rectification order turned overdue; `data` is
   * the body's data (the order), `source` what caused it (stored with each delivery). Resolves
   * once stored: call it again after a crash, it adds nothing twice.
   */
  rectificationOverdue(order: OverdueRectification, data: object, source: string): Promise<void> {
    return this.notify('rectification.overdue', order.id, order.at, order.hallId, data, source);
  }

  private async notify(event: WebhookEvent, id: string, at: string, hallId: string, data: object, source: string): Promise<void> {
    const wanting = this.webhooks.filter((w) => wantsEvent(w.config, event, hallId));
    if (wanting.length === 0) return;
    const key = idempotencyKey(event, id);
    const body = webhookBody(event, id, at, data);
    const added = await this.deliveries.add(
      wanting.map((w): NewDelivery => ({ webhook: w.id, event, key, hallId, source, body })),
      new Date(),
    );
    if (added > 0) this.log.debug(`${key}: ${added} webhook delivery(ies) added to the outbox`);
  }

  /**
   * Attempts every delivery due by now, one at a time; answers how many it attempted. Once an
   * hour it also deletes the deliveries settled more than SETTLED_KEPT_MS ago, so the look each
   * second stays small; with no webhook in the site file it stops looking once no delivery is pending.
   */
  async dispatchDue(): Promise<number> {
    if (this.idle) return 0;
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      const deleted = await this.deliveries.deleteSettledBefore(new Date(this.prunedAt - SETTLED_KEPT_MS));
      if (deleted > 0) this.log.log(`deleted ${deleted} webhook delivery(ies) settled over ${SETTLED_KEPT_MS / 86_400_000} days ago`);
    }
    let attempted = 0;
    for (;;) {
      const now = Date.now();
      const d = await this.deliveries.claimDue(new Date(now), new Date(now + CLAIM_MS));
      if (!d) {
        this.idle = this.webhooks.length === 0 && !(await this.deliveries.anyPending());
        return attempted;
      }
      attempted++;
      await this.attempt(d);
    }
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const by = this.ctx.env.instance;
    const webhook = this.byId.get(d.webhook);
    if (!webhook) {
      // Its URL changed or it was removed from the site file: nowhere to send it.
      await this.deliveries.attemptFailed(d, { at: new Date(), by, error: 'the webhook is no longer in the site file' }, undefined);
      this.outcomes.inc({ event: d.event, outcome: 'failed' });
      this.log.warn(`${d.key}: webhook ${d.webhook} is no longer in the site file; delivery failed`);
      return;
    }
    const result = await this.post(webhook, d);
    const at = new Date();
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      await this.deliveries.delivered(d, { at, by, status: result.status });
      this.outcomes.inc({ event: d.event, outcome: 'delivered' });
      return;
    }
    const why = result.error ?? `answered HTTP ${result.status}`;
    const attempt = d.attempts + 1;
    const delay = webhookRetryDelayMs(attempt);
    await this.deliveries.attemptFailed(
      d,
      { at, by, status: result.status, error: why },
      delay === undefined ? undefined : new Date(at.getTime() + delay),
    );
    this.outcomes.inc({ event: d.event, outcome: delay === undefined ? 'failed' : 'retried' });
    if (delay === undefined) this.log.warn(`${d.key}: ${webhook.name} ${why} on attempt ${attempt}, the last; delivery failed`);
    else this.log.log(`${d.key}: ${webhook.name} ${why} on attempt ${attempt}; next in ${delay / 1000} s`);
  }

  /** One POST of the stored body; a redirect counts as a failure (the body and signature go only where the site file says). */
  private async post(webhook: Webhook, d: ClaimedDelivery): Promise<{ status?: number; error?: string }> {
    try {
      const res = await fetch(webhook.config.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'idempotency-key': d.key,
          'x-hallwatch-event': d.event,
          'x-hallwatch-signature': webhookSignature(webhook.secret, d.body),
        },
        body: d.body,
      });
      await res.body?.cancel();
      return { status: res.status };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { error: `not reached (${cause ?? (err as Error).name})` };
    }
  }
}
