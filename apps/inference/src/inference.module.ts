import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { serviceCoreModule, ServiceContext } from '@hallwatch/runtime';
import { LeavesHandler } from './handlers/leaves.handler';
import { PresenceHandler } from './handlers/presence.handler';
import { ReviewsHandler } from './handlers/reviews.handler';
import { RequestsHandler } from './handlers/requests.handler';
import { EvidenceRepository } from './repositories/evidence.repository';
import { EVIDENCE_VIEW, EvidenceViewRepository, EvidenceViewSchema } from './repositories/evidence-view.repository';
import { HallLeaseRepository } from './repositories/hall-lease.repository';
import { IncidentRepository } from './repositories/incident.repository';
import { INCIDENT, IncidentSchema } from './repositories/incident.schemas';
import { LEAVE, LeaveRepository, LeaveSchema } from './repositories/leave.repository';
import { MONITOR_STATE, MonitorStateRepository, MonitorStateSchema } from './repositories/monitor-state.repository';
import { NatsRepository } from './repositories/nats.repository';
import { PRESENCE_INTERVAL, PresenceIntervalSchema, PresenceRepository } from './repositories/presence.repository';
import { PurgeLeaseRepository } from './repositories/purge-lease.repository';
import { VisionRepository } from './repositories/vision.repository';
import { EvidencePurgeService } from './services/evidence-purge.service';
import { HallOwnershipService } from './services/hall-ownership.service';
import { IncidentsService } from './services/incidents.service';
import { LeaveExcuses } from './services/leave-excuses.service';
import { MonitorService } from './services/monitor.service';
import { OutputDelivery } from './services/output-delivery';
import { SiteHalls } from './services/site-halls';
import { WindowsService } from './services/windows.service';

@Module({})
export class InferenceModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: InferenceModule,
      imports: [
        serviceCoreModule('inference', ctx),
        MongooseModule.forFeature([
          { name: PRESENCE_INTERVAL, schema: PresenceIntervalSchema },
          { name: INCIDENT, schema: IncidentSchema },
          { name: MONITOR_STATE, schema: MonitorStateSchema },
          { name: LEAVE, schema: LeaveSchema },
          { name: EVIDENCE_VIEW, schema: EvidenceViewSchema },
        ]),
      ],
      controllers: [RequestsHandler],
      providers: [
        NatsRepository,
        VisionRepository,
        PresenceRepository,
        IncidentRepository,
        LeaveRepository,
        EvidenceRepository,
        EvidenceViewRepository,
        MonitorStateRepository,
        HallLeaseRepository,
        PurgeLeaseRepository,
        WindowsService,
        IncidentsService,
        EvidencePurgeService,
        SiteHalls,
        LeaveExcuses,
        OutputDelivery,
        MonitorService,
        HallOwnershipService,
        LeavesHandler,
        ReviewsHandler,
        PresenceHandler,
      ],
    };
  }
}
