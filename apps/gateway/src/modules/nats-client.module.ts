import { Global, Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { natsConnectionOptions, SERVICE_CONTEXT, ServiceContext } from '@hallwatch/runtime';

export const NATS_CLIENT = 'NATS_CLIENT';

/** The gateway's request/reply link to the services (@nestjs/microservices over NATS), reconnecting forever. */
@Global()
@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: NATS_CLIENT,
        inject: [SERVICE_CONTEXT],
        useFactory: (ctx: ServiceContext) => ({
          transport: Transport.NATS,
          options: natsConnectionOptions(ctx.natsUrl, `gateway-${ctx.env.instance}`, ctx.natsAuth),
        }),
      },
    ]),
  ],
  exports: [ClientsModule],
})
export class NatsClientModule {}
