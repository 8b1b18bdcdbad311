import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AckPolicy, connect, ConsumerMessages, DeliverPolicy, NatsConnection } from 'nats';
import { decodeMessage, Streams } from '@hallwatch/contracts';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';

/** Durable consumer name shared by every reporting instance. */
const DURABLE = 'reporting';

type StreamName = keyof typeof Streams;

/** Reporting's JetStream side: durable consumers of presence, incidents and cases, acked after storing. */
@Injectable()
export class JetStreamRepository implements OnModuleDestroy {
  private readonly log = new Logger(JetStreamRepository.name);
  private connection?: Promise<NatsConnection>;
  private readonly consumers: ConsumerMessages[] = [];

  constructor(@InjectContext() private readonly ctx: ServiceContext) {}

  private nc(): Promise<NatsConnection> {
    this.connection ??= connect({ servers: [this.ctx.natsUrl], name: `reporting-${this.ctx.env.instance}`, maxReconnectAttempts: -1 });
    return this.connection;
  }

  /** Creates a stream unless another service already did (idempotent, race-safe). */
  private async ensureStream(stream: StreamName): Promise<void> {
    const jsm = await (await this.nc()).jetstreamManager();
    const { name, subjects } = Streams[stream];
    try {
      await jsm.streams.info(name);
    } catch {
      try {
        await jsm.streams.add({ name, subjects: [...subjects], duplicate_window: 2 * 60 * 1_000_000_000 });
      } catch (err) {
        await jsm.streams.info(name).catch(() => Promise.reject(err));
      }
    }
  }

  /**
   * Delivers every message of a stream at least once, validated as `type`, with the raw JSON for
   * fields outside the contract and the subject. Malformed messages are logged and terminated; a failed handler
   * is retried after a pause.
   */
  async consume<T extends object>(
    stream: StreamName,
    type: new () => T,
    handle: (value: T, raw: Record<string, unknown>, subject: string) => Promise<void>,
    durable = DURABLE,
  ): Promise<void> {
    await this.ensureStream(stream);
    const jsm = await (await this.nc()).jetstreamManager();
    const name = Streams[stream].name;
    await jsm.consumers.add(name, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, max_ack_pending: 64 });
    const messages = await (await (await this.nc()).jetstream().consumers.get(name, durable)).consume();
    this.consumers.push(messages);
    void (async () => {
      for await (const m of messages) {
        const decoded = decodeMessage(type, m.data);
        if (!decoded.ok) {
          this.log.warn(`${m.subject}: message dropped: ${decoded.reason}`);
          m.term();
          continue;
        }
        try {
          await handle(decoded.value, JSON.parse(Buffer.from(m.data).toString('utf8')), m.subject);
          m.ack();
        } catch (err) {
          this.log.error(`${m.subject}: not stored, will be redelivered: ${(err as Error).message}`);
          m.nak(5000);
        }
      }
    })();
  }

  async onModuleDestroy(): Promise<void> {
    this.consumers.forEach((c) => c.stop());
    if (this.connection) await (await this.connection).drain().catch(() => undefined);
  }
}
