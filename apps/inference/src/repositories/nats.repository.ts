import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DeliverPolicy, headers, JetStreamPublishOptions, MsgHdrs } from 'nats';
import type { Decoded, IncidentEventMessage, IncidentEventType, PublishedIncidentEvent } from '@hallwatch/contracts';
import {
  AuditHeadMessage,
  CameraStatusMessage,
  decodeIncidentEvent,
  decodeMessage,
  FrameHeaders,
  IncidentExcusedMessage,
  IncidentMessage,
  IncidentReviewedMessage,
  incidentSubject,
  IncidentUnexcusedMessage,
  LeaveRecordMessage,
  PresenceMessage,
  QueueEventMessage,
  AwayDeclarationMessage,
  Streams,
  Subjects,
  WaitingCountMessage,
  waitingCountId,
} from '@hallwatch/contracts';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { Counter } from 'prom-client';
import {
  DEFAULT_MAX_PAYLOAD,
  exportConsumerBacklogs,
  Fence,
  framesDroppedCounter,
  NatsAdapter,
  READINESS_TIMEOUT_MS,
  ServiceMetrics,
  UndecodableMessage,
} from '@hallwatch/runtime';

/** The durable every inference instance reads hallwatch.leaves through. */
const LEAVES_DURABLE = 'inference-leaves';
/** The durable every inference instance reads its own incident events back through. */
const INCIDENTS_DURABLE = 'inference-reviews';
/** The durable every inference instance reads its own presence changes back through. */
const PRESENCE_DURABLE = 'inference-presence';

/** One JPEG sample as ingestion published it. */
export interface FrameSample {
  cameraId: string;
  /** Capture time, epoch ms. */
  capturedAt: number;
  seq: number;
  jpeg: Buffer;
}

/** Header naming the lease (holder and fencing token) an event was published under. */
export const LEASE_HEADER = 'Hallwatch-Lease';

function leaseHeader(fence: Fence | undefined): MsgHdrs | undefined {
  if (!fence) return undefined;
  const h = headers();
  h.set(LEASE_HEADER, `${fence.owner}:${fence.token}`);
  return h;
}

/** Something this instance listens to until it stops. */
export interface Feed {
  stop(): void;
}

/** Longest wait for a camera's status backlog: taking a hall must not stall the lease rounds. */
const BACKLOG_WAIT_MS = 10_000;

/**
 * What inference does on NATS beyond request/reply, on the process's connection (NatsAdapter): live frames (core NATS, no queue group:
 * a stale owner that has not noticed yet must not take frames from its successor),
 * camera health (JetStream, an ordered consumer per camera of the halls this instance holds),
 * presence and incident events (JetStream, deduplicated by Nats-Msg-Id so a republished event is
 * stored once).
 */
@Injectable()
export class NatsRepository implements OnApplicationShutdown {
  private readonly log = new Logger(NatsRepository.name);

  private leaveFeed?: { stop(): void };
  private reviewFeed?: { stop(): void };
  private presenceFeed?: { stop(): void };
  private readonly dropped: Counter<'camera' | 'reason'>;

  constructor(
    private readonly nats: NatsAdapter,
    @InjectConnection() private readonly db: Connection,
    metrics: ServiceMetrics,
  ) {
    this.dropped = framesDroppedCounter(metrics);
    exportConsumerBacklogs(metrics, () => nats.opened());
    metrics.readiness('NATS', () => nats.reachable(READINESS_TIMEOUT_MS));
  }

  /** The largest message the NATS server takes (its max_payload), replies included. */
  async maxPayload(): Promise<number> {
    return (await this.nats.connection()).info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  /** Creates the streams inference reads or writes, or brings them to their limits and replicas. */
  async ensureStreams(): Promise<void> {
    for (const stream of [
      Streams.cameras,
      Streams.presence,
      Streams.incidents,
      Streams.queue,
      Streams.away,
      Streams.occupancy,
      Streams.leaves,
      Streams.auditHeads,
    ])
      await this.nats.ensureStream(stream);
  }

  /**
   * Whether the leaves on hallwatch.leaves and the incident events read back were all handled (both
   * durables' backlogs empty) within `timeoutMs`, so a hall taken now excuses what the leaves cover
   * when it opens, and finds the incidents a restore rebuilds from the stream (closeUnheld).
   */
  async leavesAndIncidentsHandled(timeoutMs: number): Promise<boolean> {
    const durables = [`${Streams.leaves.name}/${LEAVES_DURABLE}`, `${Streams.incidents.name}/${INCIDENTS_DURABLE}`];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const backlogs = await this.nats
        .link()
        .then((link) => link.consumerBacklogs(1000))
        .catch(() => undefined);
      if (durables.every((d) => backlogs?.get(d) === 0)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * Every leave on hallwatch.leaves, at least once, through one durable shared by all inference
   * instances (any of them may excuse any hall's incidents); acked after `onLeave` resolves.
   */
  async consumeLeaves(onLeave: (leave: LeaveRecordMessage) => Promise<void>): Promise<void> {
    this.leaveFeed = await this.nats.consume(
      Streams.leaves,
      LEAVES_DURABLE,
      async (data) => {
        const decoded = decodeMessage(LeaveRecordMessage, data);
        if (!decoded.ok) throw new UndecodableMessage(decoded.reason);
        await onLeave(decoded.value);
      },
      () => this.databaseUp(),
    );
  }

  private async databaseUp(): Promise<boolean> {
    return (
      (await this.db.db
        ?.admin()
        .ping()
        .then(
          () => true,
          () => false,
        )) ?? false
    );
  }

  /**
   * Every incident event (hallwatch.incident.*.*), inference's own, read back in stream order
   * through one durable shared by all instances (`inference-reviews`: it read back the reviews
   * only at first); acked after `onEvent`.
   */
  async consumeIncidentEvents(onEvent: (event: PublishedIncidentEvent) => Promise<void>): Promise<void> {
    this.reviewFeed = await this.nats.consume(
      Streams.incidents,
      INCIDENTS_DURABLE,
      async (data, subject) => {
        const decoded = decodeIncidentEvent(subject, data);
        if (!decoded.ok) throw new UndecodableMessage(decoded.reason);
        await onEvent(decoded.value);
      },
      () => this.databaseUp(),
    );
  }

  /**
   * Every presence change (hallwatch.presence.*), inference's own, read back in stream order
   * through one durable shared by all instances, so a restore gets back the intervals recorded
   * after its backup; acked after `onChange`. One of another window than its subject's is refused
   * (to the dead letters): the order per window holds only on its own subject.
   */
  async consumePresence(onChange: (change: PresenceMessage) => Promise<void>): Promise<void> {
    this.presenceFeed = await this.nats.consume(
      Streams.presence,
      PRESENCE_DURABLE,
      async (data, subject) => {
        const decoded = onOwnSubject(decodeMessage(PresenceMessage, data), subject, Subjects.presence);
        if (!decoded.ok) throw new UndecodableMessage(decoded.reason);
        await onChange(decoded.value);
      },
      () => this.databaseUp(),
    );
  }

  /** An incident excused by a leave registered after it opened; once per incident and leave. */
  async publishIncidentExcused(message: IncidentExcusedMessage): Promise<void> {
    await this.publishIncidentEvent('excused', message, { msgID: `incident:${message.id}:excused:${message.leaveId}` });
  }

  /** An incident whose leave was revoked; once per incident and leave. */
  async publishIncidentUnexcused(message: IncidentUnexcusedMessage): Promise<void> {
    await this.publishIncidentEvent('unexcused', message, { msgID: `incident:${message.id}:unexcused:${message.revokedLeaveId}` });
  }

  /** Delivers frames of these cameras. Bad frames are dropped with a log line. */
  async subscribeFrames(cameraIds: string[], onFrame: (frame: FrameSample) => void): Promise<Feed> {
    const subscriptions = await Promise.all(cameraIds.map((id) => this.nats.subscribe(Subjects.frames(id))));
    for (const sub of subscriptions)
      void (async () => {
        for await (const m of sub) {
          const cameraId = m.headers?.get(FrameHeaders.cameraId) || m.subject.split('.')[2];
          const capturedAt = Date.parse(m.headers?.get(FrameHeaders.capturedAt) ?? '');
          if (!Number.isFinite(capturedAt) || m.data.length === 0) {
            this.dropped.inc({ camera: cameraId, reason: 'malformed' });
            this.log.warn(`frame on ${m.subject} dropped: missing ${FrameHeaders.capturedAt} header or empty body`);
            continue;
          }
          onFrame({ cameraId, capturedAt, seq: Number(m.headers?.get(FrameHeaders.seq) ?? 0), jpeg: Buffer.from(m.data) });
        }
      })();
    return { stop: () => subscriptions.forEach((s) => s.unsubscribe()) };
  }

  /**
   * A camera's health changes in order: those published since `since` (only the latest when
   * undefined), then every new one. Resolves once that backlog went through `onStatus`, so the
   * caller knows the camera's status before it judges frames. A status `onStatus` fails on is
   * logged and not retried here (the caller recovers by restoring its saved state).
   */
  followCameraStatus(cameraId: string, since: Date | undefined, onStatus: (status: CameraStatusMessage) => Promise<void>): Promise<Feed> {
    const decode = (data: Uint8Array) => decodeMessage(CameraStatusMessage, data);
    return this.follow(`camera ${cameraId}: status`, Streams.cameras.name, Subjects.cameraStatus(cameraId), since, decode, onStatus);
  }

  /**
   * A window's queue events in order, like followCameraStatus. A message that is not a queue event
   * of this window is skipped here; reporting's durable consumer moves it to the dead letters.
   */
  followQueue(windowId: string, since: Date | undefined, onEvent: (event: QueueEventMessage) => Promise<void>): Promise<Feed> {
    const decode = (data: Uint8Array) => onOwnSubject(decodeMessage(QueueEventMessage, data), Subjects.queue(windowId), Subjects.queue);
    return this.follow(`window ${windowId}: queue event`, Streams.queue.name, Subjects.queue(windowId), since, decode, onEvent);
  }

  /** A window's 暂离 declarations in order, like followQueue (one of another window is skipped). */
  followAway(
    windowId: string,
    since: Date | undefined,
    onDeclaration: (declaration: AwayDeclarationMessage) => Promise<void>,
  ): Promise<Feed> {
    const decode = (data: Uint8Array) => onOwnSubject(decodeMessage(AwayDeclarationMessage, data), Subjects.away(windowId), Subjects.away);
    return this.follow(`window ${windowId}: away`, Streams.away.name, Subjects.away(windowId), since, decode, onDeclaration);
  }

  private async follow<T>(
    what: string,
    stream: string,
    subject: string,
    since: Date | undefined,
    decode: (data: Uint8Array) => Decoded<T>,
    handle: (message: T) => Promise<void>,
  ): Promise<Feed> {
    const consumer = await (await this.nats.connection()).jetstream().consumers.get(stream, {
      filterSubjects: subject,
      ...(since ? { opt_start_time: since.toISOString() } : { deliver_policy: DeliverPolicy.LastPerSubject }),
    });
    const messages = await consumer.consume();
    let caughtUp!: () => void;
    const backlog = new Promise<void>((resolve) => (caughtUp = resolve));
    if ((await consumer.info(true)).num_pending === 0) caughtUp();
    void (async () => {
      for await (const m of messages) {
        const decoded = decode(m.data);
        if (!decoded.ok) this.log.warn(`${what} on ${m.subject} dropped: ${decoded.reason}`);
        else await handle(decoded.value).catch((err) => this.log.error(`${what} on ${m.subject} not applied: ${(err as Error).message}`));
        if (m.info.pending === 0) caughtUp();
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), BACKLOG_WAIT_MS)));
    if (await Promise.race([backlog.then(() => false), late]))
      this.log.warn(`${what} backlog not read within ${BACKLOG_WAIT_MS} ms; going on, later ones follow in order`);
    clearTimeout(timer);
    return { stop: () => messages.stop() };
  }

  /** `fence`: of the hall lease it is published under (header Hallwatch-Lease, "<instance>:<token>"), for audit. */
  async publishPresence(message: PresenceMessage, fence?: Fence): Promise<void> {
    await this.nats.publish(Streams.presence, Subjects.presence(message.windowId), message, {
      msgID: `presence:${message.windowId}:${message.since}:${message.state}`,
      headers: leaseHeader(fence),
    });
  }

  /** A hall's persons waiting from `message.at` on (null: not known); `fence` as for publishPresence. */
  async publishWaitingCount(message: WaitingCountMessage, fence?: Fence): Promise<void> {
    await this.nats.publish(Streams.occupancy, Subjects.waitingCount(message.hallId), message, {
      msgID: waitingCountId(message.hallId, Date.parse(message.at)),
      headers: leaseHeader(fence),
    });
  }

  /** An incident's open, or its close once it has closedAt; `fence` as for publishPresence. */
  async publishIncident(message: IncidentMessage, fence?: Fence): Promise<void> {
    const event = message.closedAt ? 'closed' : 'opened';
    await this.publishIncidentEvent(event, message, { msgID: `incident:${message.id}:${event}`, headers: leaseHeader(fence) });
  }

  /** A review decision or appeal, once per change (the audit trail's length tells them apart). */
  async publishIncidentReviewed(message: IncidentReviewedMessage, decision: number): Promise<void> {
    await this.publishIncidentEvent('reviewed', message, { msgID: `incident:${message.id}:reviewed:${decision}` });
  }

  /** Every incident event goes out here, on the subject of its type and window. */
  private async publishIncidentEvent<T extends IncidentEventType>(
    type: T,
    message: IncidentEventMessage<T>,
    options: Partial<JetStreamPublishOptions>,
  ): Promise<void> {
    await this.nats.publish(Streams.incidents, incidentSubject(type, message), message, options);
  }

  /** An incident's chain head after its `entries`-th entry, once per entry. */
  async publishAuditHead(message: AuditHeadMessage): Promise<void> {
    await this.nats.publish(Streams.auditHeads, Subjects.auditHeads, message, { msgID: `audit:${message.incidentId}:${message.entries}` });
  }

  // After the halls were handed back (their hooks run in onModuleDestroy, before this); the connection closes after.
  onApplicationShutdown(): void {
    this.leaveFeed?.stop();
    this.reviewFeed?.stop();
    this.presenceFeed?.stop();
  }
}

/**
 * `decoded`, refused when it is of another window than the one `subject` is of (`subjectOf` gives a
 * window's subject): a window's messages are in order only on its own subject.
 */
function onOwnSubject<T extends { windowId: string }>(
  decoded: Decoded<T>,
  subject: string,
  subjectOf: (windowId: string) => string,
): Decoded<T> {
  return decoded.ok && subjectOf(decoded.value.windowId) !== subject
    ? { ok: false, reason: `windowId ${decoded.value.windowId} is not the subject's window` }
    : decoded;
}
