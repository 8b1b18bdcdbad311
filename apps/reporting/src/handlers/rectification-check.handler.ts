import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { RectificationsService } from '../services/rectifications.service';

/**
 * The periodic rectification check (every HALLWATCH_RECTIFICATION_CHECK_SECONDS, default 60):
 * orders past their due time turn overdue and escalate. Each change is a conditional write, so
 * two reporting instances never record it twice; one check at a time.
 */
@Injectable()
export class RectificationCheckHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(RectificationCheckHandler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly orders: RectificationsService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.ctx.env.rectificationCheckSeconds;
    this.timer = setInterval(() => {
      this.running ??= this.orders
        .check()
        .then(
          () => undefined,
          (err: Error) => this.log.warn(`rectification check failed, tried again in ${seconds} s: ${err.message}`),
        )
        .then(() => (this.running = undefined));
    }, seconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
