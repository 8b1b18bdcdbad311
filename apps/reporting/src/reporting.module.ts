import { DynamicModule, Module } from '@nestjs/common';
import { serviceCoreModule, ServiceContext } from '@hallwatch/runtime';
import { CardCheckHandler } from './handlers/card-check.handler';
import { EventsHandler } from './handlers/events.handler';
import { RectificationCheckHandler } from './handlers/rectification-check.handler';
import { RequestsHandler } from './handlers/requests.handler';
import { WebhooksHandler } from './handlers/webhooks.handler';
import { CardsRepository } from './repositories/cards.repository';
import { CasesRepository } from './repositories/cases.repository';
import { DemoSeedsRepository } from './repositories/demo-seeds.repository';
import { ComplaintsRepository } from './repositories/complaints.repository';
import { IncidentsRepository } from './repositories/incidents.repository';
import { JetStreamRepository } from './repositories/jetstream.repository';
import { LeavesRepository } from './repositories/leaves.repository';
import { AwayRepository } from './repositories/away.repository';
import { WaitingRepository } from './repositories/waiting.repository';
import { PresenceRepository } from './repositories/presence.repository';
import { QueueRepository } from './repositories/queue.repository';
import { RectificationsRepository } from './repositories/rectifications.repository';
import { RectificationPhotosRepository } from './repositories/rectification-photos.repository';
import { WebhookDeliveriesRepository } from './repositories/webhook-deliveries.repository';
import { WindowRollupsRepository } from './repositories/window-rollups.repository';
import { WriteLockRepository } from './repositories/write-lock.repository';
import { CardsService } from './services/cards.service';
import { CasesService } from './services/cases.service';
import { ComplaintsService } from './services/complaints.service';
import { DemoSeedService } from './services/demo-seed.service';
import { LeavesService } from './services/leaves.service';
import { AwayService } from './services/away.service';
import { WaitingService } from './services/waiting.service';
import { RectificationsService } from './services/rectifications.service';
import { IncidentsService } from './services/incidents.service';
import { RollupService } from './services/rollup.service';
import { SiteWindows } from './services/site-windows';
import { NoticeService } from './services/notice.service';
import { StatsService } from './services/stats.service';
import { WebhooksService } from './services/webhooks.service';

const STORE = [
  CasesRepository,
  CardsRepository,
  PresenceRepository,
  QueueRepository,
  WindowRollupsRepository,
  IncidentsRepository,
  LeavesRepository,
  AwayRepository,
  WaitingRepository,
  ComplaintsRepository,
  RectificationsRepository,
  RectificationPhotosRepository,
  WriteLockRepository,
  JetStreamRepository,
  SiteWindows,
  RollupService,
  CardsService,
  RectificationsService,
  CasesService,
  LeavesService,
  AwayService,
  WaitingService,
  ComplaintsService,
  StatsService,
  NoticeService,
];

@Module({})
export class ReportingModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: ReportingModule,
      imports: [serviceCoreModule('reporting', ctx)],
      controllers: [RequestsHandler],
      // The webhooks only here: the CLI needs none of their secrets to import.
      providers: [
        ...STORE,
        IncidentsService,
        EventsHandler,
        CardCheckHandler,
        RectificationCheckHandler,
        WebhookDeliveriesRepository,
        WebhooksService,
        WebhooksHandler,
      ],
    };
  }

  /**
   * Cases, leaves, complaints and statistics without the NATS consumers, for the CLI and the benchmark (same code as the
   * service); and the demo's history seed, which only `npm start` runs.
   */
  static inProcess(ctx: ServiceContext): DynamicModule {
    return {
      module: ReportingModule,
      imports: [serviceCoreModule('reporting', ctx)],
      providers: [...STORE, DemoSeedsRepository, DemoSeedService],
      exports: [...STORE, DemoSeedService],
    };
  }
}
