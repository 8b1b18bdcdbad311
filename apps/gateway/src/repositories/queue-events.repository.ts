import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { encodeMessage, QueueEventMessage, queueEventId, Streams, Subjects } from '@hallwatch/contracts';
import { InjectContext, NatsLink, ServiceContext } from '@hallwatch/runtime';

/** Publishes queue events on JetStream (stream HALLWATCH_QUEUE, created here if no consumer made it yet). */
@Injectable()
export class QueueEventsRepository implements OnApplicationShutdown {
  private readonly log = new Logger(QueueEventsRepository.name);
  private link?: Promise<NatsLink>;

  constructor(@InjectContext() private readonly ctx: ServiceContext) {}

  private nats(): Promise<NatsLink> {
    this.link ??= NatsLink.open(
      this.ctx.natsUrl,
      `gateway-queue-${this.ctx.env.instance}`,
      this.ctx.env.streamReplicas,
      this.log,
      this.ctx.natsAuth,
    ).then(async (link) => {
      await link.ensureStream(Streams.queue);
      return link;
    });
    // A failed start is tried again by the next request.
    this.link.catch(() => (this.link = undefined));
    return this.link;
  }

  /** Stored once per queueEventId (Nats-Msg-Id), so a retried row is not stored twice. */
  async publish(message: QueueEventMessage): Promise<void> {
    const js = (await this.nats()).jetstream();
    await js.publish(Subjects.queue(message.windowId), encodeMessage(message), { msgID: queueEventId(message) });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.link) await (await this.link.catch(() => undefined))?.close();
  }
}
