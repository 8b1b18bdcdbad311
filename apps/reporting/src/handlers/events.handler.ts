import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import {
  CaseMessage,
  decodeIncidentEvent,
  decodeMessage,
  LeaveRecordMessage,
  PresenceMessage,
  PublishedIncidentEvent,
  QueueEventMessage,
  Subjects,
  WaitingCountMessage,
} from '@hallwatch/contracts';
import { UndecodableMessage } from '@hallwatch/runtime';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { AwayService } from '../services/away.service';
import { CasesService } from '../services/cases.service';
import { IncidentsService } from '../services/incidents.service';
import { LeavesService } from '../services/leaves.service';
import { RollupService } from '../services/rollup.service';
import { SiteWindows } from '../services/site-windows';
import { WaitingService } from '../services/waiting.service';

/** Messages of `type`, whatever their subject. */
const as =
  <T extends object>(type: new () => T) =>
  (data: Uint8Array) =>
    decodeMessage(type, data);

/** JetStream events in: hallwatch.presence.*, hallwatch.incident.*.* (each event as its own message), hallwatch.cases, hallwatch.queue.*, hallwatch.leaves, hallwatch.hall.*.waiting. */
@Injectable()
export class EventsHandler implements OnApplicationBootstrap {
  constructor(
    private readonly jetstream: JetStreamRepository,
    private readonly site: SiteWindows,
    private readonly rollups: RollupService,
    private readonly incidents: IncidentsService,
    private readonly cases: CasesService,
    private readonly leaves: LeavesService,
    private readonly away: AwayService,
    private readonly waiting: WaitingService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetstream.consume('presence', as(PresenceMessage), (m) => this.rollups.recordPresence(m));
    // Its own durable: a new one replays the whole stream into reporting_incidents (reporting
    // used to keep incidents in inference's collection).
    await this.jetstream.consume(
      'incidents',
      (data, subject) => decodeIncidentEvent(subject, data),
      (e) => this.incident(e),
      'reporting-incidents',
    );
    await this.jetstream.consume('cases', as(CaseMessage), (m) => this.cases.record(m));
    await this.jetstream.consume('queue', as(QueueEventMessage), (m, subject) => this.queueEvent(m, subject));
    // Its own leaves, read back: what a restore from an older backup lacks comes back from the stream.
    await this.jetstream.consume('leaves', as(LeaveRecordMessage), (m) => this.leaves.fromStream(m), 'reporting-leaves');
    await this.jetstream.consume(
      'occupancy',
      as(WaitingCountMessage),
      (m, subject) => this.waiting.record(m, subject),
      'reporting-occupancy',
    );
  }

  /** Each incident event by its type (a subject of no known event never gets here: it is moved aside). */
  private incident(e: PublishedIncidentEvent): Promise<void> {
    switch (e.type) {
      case 'opened':
      case 'closed':
        return this.incidents.record(e.message);
      case 'reviewed':
        return this.incidents.reviewed(e.message);
      case 'excused':
        return this.incidents.excused(e.message);
      case 'unexcused':
        return this.incidents.unexcused(e.message);
    }
  }

  /** Queue systems may publish directly: an event on another window's subject, or of a window the site file lacks, is moved aside. */
  private async queueEvent(m: QueueEventMessage, subject: string): Promise<void> {
    if (subject !== Subjects.queue(m.windowId)) throw new UndecodableMessage(`windowId ${m.windowId} is not the window of ${subject}`);
    if (!this.site.has(m.windowId)) throw new UndecodableMessage(`windowId: no window ${m.windowId} in the site file`);
    await this.rollups.recordQueueEvent(m);
    await this.away.fromQueue(m);
  }
}
