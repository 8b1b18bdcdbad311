import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import {
  AckPolicy,
  connect,
  ConsumerMessages,
  DeliverPolicy,
  JetStreamClient,
  NatsConnection,
  Subscription,
} from 'nats';
import {
  CameraStatusMessage,
  decodeMessage,
  encodeMessage,
  FrameHeaders,
  IncidentMessage,
  PresenceMessage,
  Streams,
  Subjects,
} from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';

/** One JPEG sample as ingestion published it. */
export interface FrameSample {
  cameraId: string;
  /** Capture time, epoch ms. */
  capturedAt: number;
  seq: number;
  jpeg: Buffer;
}

/** Queue group shared by every inference instance, and the durable consumer name. */
const GROUP = 'inference';

/**
 * Everything inference does on NATS beyond request/reply: live frames (core NATS, queue group),
 * camera health (JetStream durable consumer), presence and incident events (JetStream, deduplicated
 * by Nats-Msg-Id so a republished event is stored once).
 */
@Injectable()
export class NatsRepository implements OnModuleDestroy {
  private readonly log = new Logger(NatsRepository.name);
  private connection?: Promise<NatsConnection>;
  private readonly subscriptions: Subscription[] = [];
  private readonly consumers: ConsumerMessages[] = [];

  constructor(@InjectContext() private readonly ctx: ServiceContext) {}

  private nc(): Promise<NatsConnection> {
    this.connection ??= connect({ servers: [this.ctx.natsUrl], name: `inference-${this.ctx.env.instance}`, maxReconnectAttempts: -1 });
    return this.connection;
  }

  private async js(): Promise<JetStreamClient> {
    return (await this.nc()).jetstream();
  }

  /** Creates the streams inference reads or writes unless another service already did. */
  async ensureStreams(): Promise<void> {
    const jsm = await (await this.nc()).jetstreamManager();
    for (const stream of [Streams.cameras, Streams.presence, Streams.incidents]) {
      try {
        await jsm.streams.info(stream.name);
      } catch {
        try {
          await jsm.streams.add({ name: stream.name, subjects: [...stream.subjects], duplicate_window: 2 * 60 * 1_000_000_000 });
        } catch (err) {
          // Another service may have created it in the meantime.
          await jsm.streams.info(stream.name).catch(() => Promise.reject(err));
        }
      }
    }
  }

  /** Delivers frames of every camera; instances in the queue group share them. Bad frames are dropped with a log line. */
  async subscribeFrames(onFrame: (frame: FrameSample) => void): Promise<void> {
    const sub = (await this.nc()).subscribe(Subjects.allFrames, { queue: GROUP });
    this.subscriptions.push(sub);
    void (async () => {
      for await (const m of sub) {
        const cameraId = m.headers?.get(FrameHeaders.cameraId) || m.subject.split('.')[2];
        const capturedAt = Date.parse(m.headers?.get(FrameHeaders.capturedAt) ?? '');
        if (!Number.isFinite(capturedAt) || m.data.length === 0) {
          this.log.warn(`frame on ${m.subject} dropped: missing ${FrameHeaders.capturedAt} header or empty body`);
          continue;
        }
        onFrame({ cameraId, capturedAt, seq: Number(m.headers?.get(FrameHeaders.seq) ?? 0), jpeg: Buffer.from(m.data) });
      }
    })();
  }

  /** Camera health changes, at least once, in order; acked after `onStatus` succeeded. */
  async consumeCameraStatus(onStatus: (status: CameraStatusMessage) => Promise<void>): Promise<void> {
    const jsm = await (await this.nc()).jetstreamManager();
    await jsm.consumers.add(Streams.cameras.name, {
      durable_name: GROUP,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_ack_pending: 1,
    });
    const consumer = await (await this.js()).consumers.get(Streams.cameras.name, GROUP);
    const messages = await consumer.consume();
    this.consumers.push(messages);
    void (async () => {
      for await (const m of messages) {
        const decoded = decodeMessage(CameraStatusMessage, m.data);
        if (!decoded.ok) {
          this.log.warn(`camera status on ${m.subject} dropped: ${decoded.reason}`);
          m.term();
          continue;
        }
        try {
          await onStatus(decoded.value);
          m.ack();
        } catch (err) {
          this.log.error(`camera status on ${m.subject} not applied, will be redelivered: ${(err as Error).message}`);
          m.nak(5000);
        }
      }
    })();
  }

  async publishPresence(message: PresenceMessage): Promise<void> {
    await (await this.js()).publish(Subjects.presence(message.windowId), encodeMessage(message), {
      msgID: `presence:${message.windowId}:${message.since}:${message.state}`,
    });
  }

  async publishIncident(message: IncidentMessage): Promise<void> {
    await (await this.js()).publish(Subjects.incident(message.kind), encodeMessage(message), {
      msgID: `incident:${message.id}:${message.closedAt ? 'closed' : 'opened'}`,
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriptions.forEach((s) => s.unsubscribe());
    this.consumers.forEach((c) => c.stop());
    if (this.connection) await (await this.connection).drain().catch(() => undefined);
  }
}
