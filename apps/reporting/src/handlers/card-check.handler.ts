import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectContext, PeriodicTask, ServiceContext } from '@hallwatch/runtime';
import { CardsService } from '../services/cards.service';

/**
 * The periodic card check (every HALLWATCH_CARD_CHECK_SECONDS, default 60): the cases in flight
 * that crossed their yellow point or deadline since they were last judged get their cards. Under
 * the write lock, so two reporting instances never issue a card twice; one check at a time.
 */
@Injectable()
export class CardCheckHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CardCheckHandler.name);
  private readonly task: PeriodicTask<number>;

  constructor(@InjectContext() ctx: ServiceContext, cards: CardsService) {
    const seconds = ctx.env.cardCheckSeconds;
    this.task = new PeriodicTask(
      seconds * 1000,
      () => cards.check(),
      (issued) => issued > 0 && this.log.log(`card check: ${issued} card(s) issued`),
      (err) => this.log.warn(`card check failed, tried again in ${seconds} s: ${err.message}`),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
