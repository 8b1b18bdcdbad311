import { Global, Injectable, Logger, Module, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { connect, NatsConnection } from 'nats';
import { InjectContext, natsConnectionOptions, ServiceContext } from '@hallwatch/runtime';

/**
 * The gateway's plain NATS connection, for what the request/reply client cannot do: following
 * event subjects (the console's push channel) and camera frames (snapshots). Opened on first use;
 * it keeps reconnecting while the broker is away.
 */
@Injectable()
export class NatsConnectionService implements OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionService.name);
  private connection?: Promise<NatsConnection>;

  constructor(@InjectContext() private readonly ctx: ServiceContext) {}

  get(): Promise<NatsConnection> {
    this.connection ??= connect({
      ...natsConnectionOptions(this.ctx.natsUrl, `gateway-events-${this.ctx.env.instance}`, this.ctx.natsAuth),
      waitOnFirstConnect: true,
    }).then((nc) => {
      void (async () => {
        for await (const status of nc.status()) {
          if (status.type === 'disconnect' || status.type === 'reconnect') this.logger.log(`NATS ${status.type}`);
        }
      })();
      return nc;
    });
    return this.connection;
  }

  /** The connection, or 503 when the broker is not reachable within `timeoutMs` (rather than hold the request until it is back). */
  async within(timeoutMs: number): Promise<NatsConnection> {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.get(),
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(() => reject(new ServiceUnavailableException('the message broker (NATS) is not reachable')), timeoutMs)),
      ),
    ]).finally(() => clearTimeout(timer));
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.connection) return;
    const nc = await this.connection;
    await nc.drain().catch(() => nc.close());
  }
}

@Global()
@Module({ providers: [NatsConnectionService], exports: [NatsConnectionService] })
export class NatsConnectionModule {}
