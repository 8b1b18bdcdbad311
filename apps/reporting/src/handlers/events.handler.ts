import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  CaseMessage,
  IncidentExcusedMessage,
  IncidentMessage,
  IncidentReviewedMessage,
  IncidentUnexcusedMessage,
  PresenceMessage,
  QueueEventMessage,
  Subjects,
  validateMessage,
} from '@hallwatch/contracts';
import { UndecodableMessage } from '@hallwatch/runtime';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { CasesService } from '../services/cases.service';
import { IncidentsService } from '../services/incidents.service';
import { RollupService } from '../services/rollup.service';
import { SiteWindows } from '../services/site-windows';

/** JetStream events in: hallwatch.presence.*, hallwatch.incident.* (with .reviewed, .excused and .unexcused), hallwatch.cases, hallwatch.queue.*. */
@Injectable()
export class EventsHandler implements OnApplicationBootstrap {
  private readonly log = new Logger(EventsHandler.name);

  constructor(
    private readonly jetstream: JetStreamRepository,
    private readonly site: SiteWindows,
    private readonly rollups: RollupService,
    private readonly incidents: IncidentsService,
    private readonly cases: CasesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume('presence', PresenceMessage, (m) => this.rollups.recordPresence(m));
    // Its own durable: a new one replays the whole stream into reporting_incidents (reporting
    // used to keep incidents in inference's collection).
    await this.jetstream.consume(
      'incidents',
      IncidentMessage,
      (m, raw, subject) =>
        subject === Subjects.incidentReviewed
          ? this.reviewed(raw)
          : subject === Subjects.incidentExcused
            ? this.excused(raw)
            : subject === Subjects.incidentUnexcused
              ? this.unexcused(raw)
              : this.incidents.record(m),
      'reporting-incidents',
    );
    await this.jetstream.consume('cases', CaseMessage, (m) => this.cases.record(m));
    await this.jetstream.consume('queue', QueueEventMessage, (m, _raw, subject) => this.queueEvent(m, subject));
  }

  /** Queue systems may publish directly: an event on another window's subject, or of a window the site file lacks, is moved aside. */
  private async queueEvent(m: QueueEventMessage, subject: string): Promise<void> {
    if (subject !== Subjects.queue(m.windowId)) throw new UndecodableMessage(`windowId ${m.windowId} is not the window of ${subject}`);
    if (!this.site.has(m.windowId)) throw new UndecodableMessage(`windowId: no window ${m.windowId} in the site file`);
    await this.rollups.recordQueueEvent(m);
  }

  private async excused(raw: Record<string, unknown>): Promise<void> {
    const decoded = validateMessage(IncidentExcusedMessage, raw);
    if (decoded.ok && decoded.value.leaveId) await this.incidents.excused(decoded.value);
    else this.log.warn(`${Subjects.incidentExcused}: message dropped: ${decoded.ok ? 'no leaveId' : decoded.reason}`);
  }

  private async unexcused(raw: Record<string, unknown>): Promise<void> {
    const decoded = validateMessage(IncidentUnexcusedMessage, raw);
    if (decoded.ok) await this.incidents.unexcused(decoded.value);
    else this.log.warn(`${Subjects.incidentUnexcused}: message dropped: ${decoded.reason}`);
  }

  private async reviewed(raw: Record<string, unknown>): Promise<void> {
    const decoded = validateMessage(IncidentReviewedMessage, raw);
    if (decoded.ok) await this.incidents.reviewed(decoded.value);
    else this.log.warn(`${Subjects.incidentReviewed}: message dropped: ${decoded.reason}`);
  }
}
