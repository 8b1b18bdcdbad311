import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CardMessage, decodeIncidentEvent, decodeMessage } from '@hallwatch/contracts';
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
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private failing = false;

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
    this.timer = setInterval(() => {
      this.running ??= this.webhooks
        .dispatchDue()
        .then(
          () => (this.failing = false),
          (err: Error) => {
            if (!this.failing) this.log.warn(`webhook dispatch failed, tried again every second: ${err.message}`);
            this.failing = true;
          },
        )
        .then(() => (this.running = undefined));
    }, DISPATCH_EVERY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
