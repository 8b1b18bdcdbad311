import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { CardsService } from '../services/cards.service';

/**
 * The periodic card check (every HALLWATCH_CARD_CHECK_SECONDS, default 60): the cases in flight
 * that crossed their yellow point or deadline since they were last judged get their cards. Under
 * the write lock, so two reporting instances never issue a card twice; one check at a time.
 */
@Injectable()
export class CardCheckHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(CardCheckHandler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly cards: CardsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.cards
        .check()
        .then(
          (issued) => issued > 0 && this.log.log(`card check: ${issued} card(s) issued`),
          (err: Error) => this.log.warn(`card check failed, tried again in ${this.ctx.env.cardCheckSeconds} s: ${err.message}`),
        )
        .then(() => (this.running = undefined));
    }, this.ctx.env.cardCheckSeconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
