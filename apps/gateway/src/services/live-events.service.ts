import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Observable, ReplaySubject, Subject } from 'rxjs';
import type { NatsConnection, Subscription } from 'nats';
import type { SiteConfig } from '@hallwatch/config';
import {
  CameraStatusMessage,
  CardMessage,
  decodeIncidentEvent,
  decodeMessage,
  IncidentEventMessage,
  IncidentEventType,
  PresenceMessage,
  RectificationStepMessage,
  Subjects,
  withoutAudit,
} from '@hallwatch/contracts';
import { InjectContext, NatsAdapter, ServiceContext } from '@hallwatch/runtime';
import type { CameraStateDto } from '../dtos/cameras.dto';

/** An incident event on the push channel: `incident.<event>` with the message of that event. */
export type LiveIncidentEvent = { [T in IncidentEventType]: { type: `incident.${T}`; data: IncidentEventMessage<T> } }[IncidentEventType];

/** One event of the console's push channel. */
export type LiveEvent =
  | { type: 'presence'; data: PresenceMessage }
  | LiveIncidentEvent
  | { type: 'camera'; data: CameraStateDto }
  | { type: 'card'; data: CardMessage }
  | { type: 'rectification.overdue'; data: RectificationStepMessage };

/** The events of one hall each (an order's step is for all of its halls). */
type OneHallEvent = Exclude<LiveEvent, { type: 'rectification.overdue' }>;

/**
 * The hall an event is shown in, by the site file: the hall of its window (and of every window and
 * camera it names), never the hall the message claims. A message whose claim disagrees with the
 * site file, or that names a window or camera the site does not have, is shown to nobody (a string:
 * why). A hall-wide incident names no window: its hall must be one of the site's.
 */
export function eventHall(event: OneHallEvent, site: SiteConfig): { hall: string } | string {
  const windows = new Map(site.windows.map((w) => [w.id, w.hall]));
  const named: [string, string | undefined][] = [];
  const d = event.data;
  if (event.type === 'presence' || event.type === 'card') named.push([`window ${event.data.windowId}`, windows.get(event.data.windowId)]);
  else if (event.type === 'camera')
    named.push([`camera ${event.data.cameraId}`, site.cameras.find((c) => c.id === event.data.cameraId)?.hall]);
  else {
    const inc = event.data;
    const ids = [inc.windowId, ...(inc.windowIds ?? [])].filter((w): w is string => w !== undefined);
    for (const w of new Set(ids)) named.push([`window ${w}`, windows.get(w)]);
    if (inc.cameraId !== undefined) named.push([`camera ${inc.cameraId}`, site.cameras.find((c) => c.id === inc.cameraId)?.hall]);
  }
  for (const [what, hall] of named) {
    if (hall === undefined) return `${what} is not in the site file`;
    if (hall !== d.hallId) return `hallId ${d.hallId} is not the hall of ${what} (${hall})`;
  }
  if (!site.halls.some((h) => h.id === d.hallId)) return `hall ${d.hallId} is not in the site file`;
  return { hall: d.hallId };
}

/**
 * The halls an event is shown in: an order's step in each hall of the order (as its page is shown
 * to their users), if the site file has every one; any other event in its one hall (eventHall).
 */
export function eventHalls(event: LiveEvent, site: SiteConfig): { halls: string[] } | string {
  if (event.type !== 'rectification.overdue') {
    const one = eventHall(event, site);
    return typeof one === 'string' ? one : { halls: [one.hall] };
  }
  const unknown = event.data.halls.find((h) => !site.halls.some((s) => s.id === h));
  if (unknown !== undefined) return `hall ${unknown} is not in the site file`;
  if (event.data.halls.length === 0) return `order ${event.data.orderId} names no hall`;
  return { halls: event.data.halls };
}

/**
 * Follows presence changes, every incident event, camera health, the cases' cards and the orders turning overdue on NATS (core subscriptions see what is
 * published into the JetStream streams) and hands them to every open push channel. Live only:
 * a console that (re)connects first reads GET /api/windows/live and GET /api/incidents.
 */
@Injectable()
export class LiveEventsService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveEventsService.name);
  private readonly events = new Subject<{ halls: string[]; event: LiveEvent }>();
  private readonly shutdown = new ReplaySubject<void>(1);
  /** Emits once the gateway begins to shut down: every push channel ends then, not when the process dies. */
  readonly closing: Observable<void> = this.shutdown;

  constructor(
    private readonly nats: NatsAdapter,
    @InjectContext() private readonly ctx: ServiceContext,
  ) {}

  beforeApplicationShutdown(): void {
    this.shutdown.next();
  }

  onModuleInit(): void {
    // Not awaited: the gateway answers HTTP while the broker is still away.
    void this.nats.connection().then((nc) => this.subscribe(nc));
  }

  private subscribe(nc: NatsConnection): void {
    this.follow(nc.subscribe(Subjects.allPresence), (data) => {
      const decoded = decodeMessage(PresenceMessage, data);
      return decoded.ok ? { type: 'presence', data: decoded.value } : decoded.reason;
    });
    this.follow(nc.subscribe(Subjects.allIncidents), (data, subject) => {
      const decoded = decodeIncidentEvent(subject, data);
      if (!decoded.ok) return decoded.reason;
      // The trail is GET /api/incidents/:id's.
      return { type: `incident.${decoded.value.type}`, data: withoutAudit(decoded.value.message) } as LiveIncidentEvent;
    });
    // A camera's health, with its hall from the site file, without ingestion's diagnostic words.
    this.follow(nc.subscribe(Subjects.allCameraStatus), (data) => {
      const decoded = decodeMessage(CameraStatusMessage, data);
      if (!decoded.ok) return decoded.reason;
      const { cameraId, status, at } = decoded.value;
      const hallId = this.ctx.site.cameras.find((c) => c.id === cameraId)?.hall ?? '';
      return { type: 'camera', data: { cameraId, hallId, status, at } };
    });
    this.follow(nc.subscribe(Subjects.supervisionCard), (data) => {
      const decoded = decodeMessage(CardMessage, data);
      return decoded.ok ? { type: 'card', data: decoded.value } : decoded.reason;
    });
    this.follow(nc.subscribe(Subjects.rectification('*', 'overdue')), (data) => {
      const decoded = decodeMessage(RectificationStepMessage, data);
      return decoded.ok ? { type: 'rectification.overdue', data: decoded.value } : decoded.reason;
    });
  }

  /** Every event in the given halls (undefined = every hall). */
  stream(halls: string[] | undefined): Observable<LiveEvent> {
    return new Observable<LiveEvent>((subscriber) => {
      const sub = this.events.subscribe((e) => {
        if (!halls || e.halls.some((h) => halls.includes(h))) subscriber.next(e.event);
      });
      return () => sub.unsubscribe();
    });
  }

  private follow(subscription: Subscription, decode: (data: Uint8Array, subject: string) => LiveEvent | string): void {
    void (async () => {
      for await (const msg of subscription) {
        const event = decode(msg.data, msg.subject);
        const where = typeof event === 'string' ? event : eventHalls(event, this.ctx.site);
        // A malformed message is skipped, never passed on, never fatal.
        if (typeof where === 'string') this.logger.warn(`skipped a message on ${msg.subject}: ${where}`);
        else this.events.next({ halls: where.halls, event: event as LiveEvent });
      }
    })();
  }
}
