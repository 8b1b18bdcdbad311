import { Global, Module, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { contextNats, NatsAdapter, SERVICE_CONTEXT, ServiceContext } from '@hallwatch/runtime';

/**
 * The gateway's one NATS connection (NatsAdapter), for the request/reply client (NATS_CLIENT),
 * the console's push channel, camera frames (snapshots), the revoked tokens and queue events.
 * Opened on first use; the first connect waits for a broker that is not up yet, and the connection
 * keeps reconnecting while the broker is away.
 */
@Global()
@Module({
  providers: [
    {
      provide: NatsAdapter,
      inject: [SERVICE_CONTEXT],
      useFactory: (ctx: ServiceContext) => contextNats(ctx, 'gateway', { waitOnFirstConnect: true }),
    },
  ],
  exports: [NatsAdapter],
})
export class NatsConnectionModule implements OnApplicationShutdown {
  constructor(private readonly nats: NatsAdapter) {}

  // A global module's hook runs after every other module's, so nothing uses the connection after this.
  async onApplicationShutdown(): Promise<void> {
    await this.nats.close();
  }
}

/** The connection, or 503 when the broker is not reachable within `timeoutMs` (rather than hold the request until it is back). */
export async function brokerWithin(nats: NatsAdapter, timeoutMs: number): Promise<NatsConnection> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    nats.connection(),
    new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(() => reject(new ServiceUnavailableException('the message broker (NATS) is not reachable')), timeoutMs)),
    ),
  ]).finally(() => clearTimeout(timer));
}
