import { DynamicModule, Module } from '@nestjs/common';
import { SERVICE_CONTEXT, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';
import { AuthModule } from './modules/auth.module';
import { CamerasModule } from './modules/cameras.module';
import { CardsModule } from './modules/cards.module';
import { RectificationsModule } from './modules/rectifications.module';
import { CasesModule } from './modules/cases.module';
import { ComplaintsModule } from './modules/complaints.module';
import { HealthModule } from './modules/health.module';
import { ImportsModule } from './modules/imports.module';
import { IncidentsModule } from './modules/incidents.module';
import { LeavesModule } from './modules/leaves.module';
import { LiveModule } from './modules/live.module';
import { NatsConnectionModule } from './modules/nats-connection.module';
import { NatsClientModule } from './modules/nats-client.module';
import { QueueEventsModule } from './modules/queue-events.module';
import { SiteModule } from './modules/site.module';
import { ReportsModule } from './modules/reports.module';
import { StatsModule } from './modules/stats.module';
import { HallsModule } from './modules/halls.module';
import { WindowsModule } from './modules/windows.module';
import { ZonesModule } from './modules/zones.module';

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
        HallsModule,
        IncidentsModule,
        CasesModule,
        CardsModule,
        RectificationsModule,
        QueueEventsModule,
        LeavesModule,
        ComplaintsModule,
        ImportsModule,
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
