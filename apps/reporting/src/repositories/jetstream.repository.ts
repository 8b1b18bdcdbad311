import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { Decoded, Streams } from '@hallwatch/contracts';
import {
  exportConsumerBacklogs,
  exportStreamMetrics,
  NatsAdapter,
  READINESS_TIMEOUT_MS,
  ServiceMetrics,
  UndecodableMessage,
} from '@hallwatch/runtime';

/** Durable consumer name shared by every reporting instance. */
const DURABLE = 'reporting';

type StreamName = 'presence' | 'incidents' | 'cases' | 'queue' | 'away' | 'occupancy' | 'leaves' | 'cards' | 'rectifications';

/**
 * Reporting's JetStream side: durable consumers of presence, incidents, cases and queue events,
 * acked after storing, and the publisher of hallwatch.leaves, hallwatch.supervision.card and hallwatch.rectification.<orderId>.<action>. Messages that fail every delivery or
 * cannot be decoded go to the dead-letter stream. Exports its consumers' backlogs, and (for every
 * service: reporting is the one that reads them) every stream's fill and the dead letters.
 */
@Injectable()
export class JetStreamRepository implements OnModuleDestroy {
  private readonly consumers: { stop(): void }[] = [];

  constructor(
    private readonly nats: NatsAdapter,
    @InjectConnection() private readonly db: Connection,
    metrics: ServiceMetrics,
  ) {
    exportConsumerBacklogs(metrics, () => nats.opened());
    exportStreamMetrics(metrics, () => nats.opened()?.then((l) => l.nc));
    metrics.readiness('NATS', () => nats.reachable(READINESS_TIMEOUT_MS));
  }

  /**
   * Delivers every message of a stream at least once, as `decode` makes it of the message and its
   * subject, with the subject. A message is retried while the database is down, and moved aside
   * when `decode` refuses it or when storing it fails on every delivery. `from`: where a new
   * durable starts (see NatsLink.ensureConsumer).
   */
  async consume<T>(
    stream: StreamName,
    decode: (data: Uint8Array, subject: string) => Decoded<T>,
    handle: (value: T, subject: string) => Promise<void>,
    durable = DURABLE,
    from: 'all' | 'new' = 'all',
  ): Promise<void> {
    const consumer = await this.nats.consume(
      Streams[stream],
      durable,
      async (data, subject) => {
        const decoded = decode(data, subject);
        if (!decoded.ok) throw new UndecodableMessage(decoded.reason);
        await handle(decoded.value, subject);
      },
      () => this.databaseUp(),
      from,
    );
    this.consumers.push(consumer);
  }

  /** Publishes on a subject of `stream`, deduplicated by `msgID` (the stream is created once if missing). */
  async publish(stream: StreamName, subject: string, message: object, msgID: string): Promise<void> {
    await this.nats.publish(Streams[stream], subject, message, { msgID });
  }

  private async databaseUp(): Promise<boolean> {
    const ping = this.db.db?.admin().ping();
    if (!ping) return false;
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000).unref());
    return Promise.race([ping.then(() => true), timeout]);
  }

  // The connection is the process's: its adapter closes it after every module stopped.
  onModuleDestroy(): void {
    this.consumers.forEach((c) => c.stop());
  }
}
