import { DynamicModule, Module } from '@nestjs/common';
import { SERVICE_CONTEXT, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';
import { AuthModule } from './auth/auth.module';
import { CamerasModule } from './cameras/cameras.module';
import { CardsModule } from './cards/cards.module';
import { RectificationsModule } from './rectifications/rectifications.module';
import { CasesModule } from './cases/cases.module';
import { ComplaintsModule } from './complaints/complaints.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { LeavesModule } from './leaves/leaves.module';
import { LiveModule } from './live/live.module';
import { NatsConnectionModule } from './nats/nats-connection.module';
import { NatsClientModule } from './nats/nats-client.module';
import { QueueEventsModule } from './queue-events/queue-events.module';
import { SiteModule } from './site/site.module';
import { ReportsModule } from './reports/reports.module';
import { StatsModule } from './stats/stats.module';
import { WindowsModule } from './windows/windows.module';
import { ZonesModule } from './zones/zones.module';

@Module({})
export class GatewayModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: GatewayModule,
      global: true,
      // Its own registry: the gateway has no database and no leases; HealthService adds the NATS check.
      providers: [
        { provide: SERVICE_CONTEXT, useValue: ctx },
        { provide: ServiceMetrics, useFactory: () => new ServiceMetrics('gateway') },
      ],
      exports: [SERVICE_CONTEXT, ServiceMetrics],
      imports: [
        NatsClientModule,
        AuthModule,
        HealthModule,
        WindowsModule,
        IncidentsModule,
        CasesModule,
        CardsModule,
        RectificationsModule,
        QueueEventsModule,
        LeavesModule,
        ComplaintsModule,
        StatsModule,
        ReportsModule,
        NatsConnectionModule,
        LiveModule,
        CamerasModule,
        SiteModule,
        ZonesModule,
      ],
    };
  }
}
