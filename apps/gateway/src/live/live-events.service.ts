import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { NatsConnection, Subscription } from 'nats';
import { decodeMessage, IncidentMessage, PresenceMessage, Subjects } from '@hallwatch/contracts';
import { NatsConnectionService } from '../nats/nats-connection.module';

/** One event of the console's push channel. */
export type LiveEvent = { type: 'presence'; data: PresenceMessage } | { type: 'incident'; data: IncidentMessage };

/**
 * Follows presence changes and incident opens/closes on NATS (core subscriptions see what is
 * published into the JetStream streams) and hands them to every open push channel. Live only:
 * a console that (re)connects first reads GET /api/windows/live and GET /api/incidents.
 */
@Injectable()
export class LiveEventsService implements OnModuleInit {
  private readonly logger = new Logger(LiveEventsService.name);
  private readonly events = new Subject<LiveEvent>();

  constructor(private readonly nats: NatsConnectionService) {}

  onModuleInit(): void {
    // Not awaited: the gateway answers HTTP while the broker is still away.
    void this.nats.get().then((nc) => this.subscribe(nc));
  }

  private subscribe(nc: NatsConnection): void {
    this.follow(nc.subscribe(Subjects.allPresence), (data) => {
      const decoded = decodeMessage(PresenceMessage, data);
      return decoded.ok ? { type: 'presence', data: decoded.value } : decoded.reason;
    });
    this.follow(nc.subscribe(Subjects.allIncidents), (data) => {
      const decoded = decodeMessage(IncidentMessage, data);
      return decoded.ok ? { type: 'incident', data: decoded.value } : decoded.reason;
    });
  }

  /** Every event in the given halls (undefined = every hall). */
  stream(halls: string[] | undefined): Observable<LiveEvent> {
    return new Observable<LiveEvent>((subscriber) => {
      const sub = this.events.subscribe((event) => {
        if (!halls || halls.includes(event.data.hallId)) subscriber.next(event);
      });
      return () => sub.unsubscribe();
    });
  }

  private follow(subscription: Subscription, decode: (data: Uint8Array) => LiveEvent | string): void {
    void (async () => {
      for await (const msg of subscription) {
        const event = decode(msg.data);
        // A malformed message is skipped, never passed on, never fatal.
        if (typeof event === 'string') this.logger.warn(`skipped a message on ${msg.subject}: ${event}`);
        else this.events.next(event);
      }
    })();
  }
}
