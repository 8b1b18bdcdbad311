import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CardMessage, decodeIncidentEvent, decodeMessage } from '@hallwatch/contracts';
import { PeriodicTask } from '@hallwatch/runtime';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { WebhooksService } from '../services/webhooks.service';

/** The durable of the webhooks on each stream it reads, shared by every reporting instance. */
const DURABLE = 'reporting-webhooks';
/** Seconds between looks for due deliveries: the backoff's first retry is 1 s. */
const DISPATCH_EVERY_MS = 1000;

/**
 * Outgoing webhooks in: incidents' `opened` events (hallwatch.incident.*.opened) and the cards
 * reporting published (hallwatch.supervision.card), each stored as deliveries before it is
 * acknowledged; new durables start at the next message, so an upgrade replays no past alerts to
 * the receivers. Out: the due deliveries, every second, one look at a time.
 */
@Injectable()
export class WebhooksHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WebhooksHandler.name);
  private failing = false;
  private readonly dispatch = new PeriodicTask(
    DISPATCH_EVERY_MS,
    () => this.webhooks.dispatchDue(),
    () => (this.failing = false),
    (err) => {
      if (!this.failing) this.log.warn(`webhook dispatch failed, tried again every second: ${err.message}`);
      this.failing = true;
    },
  );

  constructor(
    private readonly jetstream: JetStreamRepository,
    private readonly webhooks: WebhooksService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume(
      'incidents',
      (data, subject) => decodeIncidentEvent(subject, data),
      async (e, subject) => {
        if (e.type === 'opened') await this.webhooks.incidentOpened(e.message, subject);
      },
      DURABLE,
      'new',
    );
    await this.jetstream.consume(
      'cards',
      (data) => decodeMessage(CardMessage, data),
      (card, subject) => this.webhooks.cardIssued(card, subject),
      DURABLE,
      'new',
    );
    this.dispatch.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.dispatch.stop();
  }
}
