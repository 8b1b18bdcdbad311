import { Injectable } from '@nestjs/common';
import { QueueEventMessage, queueEventId, Streams, Subjects } from '@hallwatch/contracts';
import { NatsAdapter } from '@hallwatch/runtime';

/** Publishes queue events on JetStream (stream HALLWATCH_QUEUE, created here if no consumer made it yet). */
@Injectable()
export class QueueEventsRepository {
  constructor(private readonly nats: NatsAdapter) {}

  /** Stored once per queueEventId (Nats-Msg-Id), so a retried row is not stored twice. */
  async publish(message: QueueEventMessage): Promise<void> {
    await this.nats.publish(Streams.queue, Subjects.queue(message.windowId), message, { msgID: queueEventId(message) });
  }
}
