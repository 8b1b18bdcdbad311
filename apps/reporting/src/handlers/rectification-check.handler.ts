import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectContext, PeriodicTask, ServiceContext } from '@hallwatch/runtime';
import type { RectificationRecord } from '@hallwatch/contracts';
import { RectificationsService } from '../services/rectifications.service';
import { WebhooksService } from '../services/webhooks.service';

/**
 * The periodic rectification check (every HALLWATCH_RECTIFICATION_CHECK_SECONDS, default 60):
 * orders past their due time turn overdue and escalate, and an order turning overdue is a
 * `rectification.overdue` webhook event for each of its halls. Each change is a conditional write,
 * so two reporting instances never record it twice; one check at a time.
 */
@Injectable()
export class RectificationCheckHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RectificationCheckHandler.name);
  private readonly task: PeriodicTask<number>;

  constructor(
    @InjectContext() ctx: ServiceContext,
    orders: RectificationsService,
    private readonly webhooks: WebhooksService,
  ) {
    const seconds = ctx.env.rectificationCheckSeconds;
    this.task = new PeriodicTask(
      seconds * 1000,
      () => orders.check(Date.now(), (order, at) => this.overdue(order, at)),
      () => undefined,
      (err) => this.log.warn(`rectification check failed, tried again in ${seconds} s: ${err.message}`),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  private async overdue(order: RectificationRecord, at: string): Promise<void> {
    for (const hallId of order.halls) await this.webhooks.rectificationOverdue({ id: order.id, hallId, at }, order, 'rectification-check');
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
