import { Global, Module } from '@nestjs/common';
import { NatsAdapter, SharedClientNats } from '@hallwatch/runtime';

export const NATS_CLIENT = 'NATS_CLIENT';

/** The gateway's request/reply link to the services (@nestjs/microservices over NATS), on its one connection (NatsAdapter). */
@Global()
@Module({
  providers: [{ provide: NATS_CLIENT, inject: [NatsAdapter], useFactory: (nats: NatsAdapter) => new SharedClientNats(nats) }],
  exports: [NATS_CLIENT],
})
export class NatsClientModule {}
