import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CaseMessage, IncidentMessage, PresenceMessage } from '@hallwatch/contracts';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { CasesService } from '../services/cases.service';
import { IncidentsService } from '../services/incidents.service';
import { RollupService } from '../services/rollup.service';

/** JetStream events in: hallwatch.presence.*, hallwatch.incident.*, hallwatch.cases. */
@Injectable()
export class EventsHandler implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamRepository,
    private readonly rollups: RollupService,
    private readonly incidents: IncidentsService,
    private readonly cases: CasesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume('presence', PresenceMessage, (m) => this.rollups.recordPresence(m));
    await this.jetstream.consume('incidents', IncidentMessage, (m, raw) => this.incidents.record(m, raw.status as string | undefined));
    await this.jetstream.consume('cases', CaseMessage, (m) => this.cases.record(m));
  }
}
