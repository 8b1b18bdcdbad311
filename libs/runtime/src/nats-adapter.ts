import { Logger } from '@nestjs/common';
import { ClientNats } from '@nestjs/microservices';
import type { ConnectionOptions, JetStreamPublishOptions, KV, KvOptions, MsgHdrs, NatsConnection, Subscription } from 'nats';
import type { NatsAuth } from '@hallwatch/config';
import { encodeMessage, StreamDefinition } from '@hallwatch/contracts';
import { Handler, NatsLink } from './nats-link';
import { openBucket } from './nats-streams';

/** What a NatsAdapter is opened with: a service's context, or the CLI's settings. */
export interface NatsAdapterOptions {
  natsUrl: string;
  /** The connection's name on the server (its connz), e.g. `inference-<instance>`. */
  name: string;
  /** HALLWATCH_STREAM_REPLICAS: streams and buckets get at least this many replicas. */
  replicas: number;
  auth?: NatsAuth;
  /** Connection options beyond natsConnectionOptions: the gateway's waitOnFirstConnect, the CLI's giving up at once. */
  connect?: Partial<ConnectionOptions>;
}

/**
 * The process's one NATS connection and everything Hallwatch does on it: typed JetStream publish,
 * core publish and subscribe, durable consumers, key-value buckets and the streams they need.
 * Every repository, lease bucket, lock and the @nestjs/microservices transport of a process share
 * it (see SafeServerNats, SharedClientNats), so a process opens one connection, not one per use.
 * Opened on first use; a failed open is tried again by the next call, while an open connection
 * reconnects forever (natsConnectionOptions).
 */
export class NatsAdapter {
  private opening?: Promise<NatsLink>;
  /** Streams this process made sure of, once each (a stream may be wanted by several repositories). */
  private readonly ensured = new Map<string, Promise<void>>();

  constructor(
    private readonly options: NatsAdapterOptions,
    private readonly log: { log(m: string): void; warn(m: string): void } = new Logger('nats'),
  ) {}

  /** The connection with its JetStream plumbing, opened on first use. */
  link(): Promise<NatsLink> {
    if (!this.opening) {
      const { natsUrl, name, replicas, auth, connect } = this.options;
      this.opening = NatsLink.open(natsUrl, name, replicas, this.log, auth, connect);
      this.opening.catch(() => (this.opening = undefined));
    }
    return this.opening;
  }

  /** Where this process's user gets its replies (permissions.conf lets only it read there); nats.js's default when unset. */
  get inboxPrefix(): string | undefined {
    return this.options.auth?.inboxPrefix;
  }

  /** The link once its opening began, without opening it (for metrics read at scrape time). */
  opened(): Promise<NatsLink> | undefined {
    return this.opening;
  }

  async connection(): Promise<NatsConnection> {
    return (await this.link()).nc;
  }

  /** See NatsLink.reachable. */
  async reachable(timeoutMs: number): Promise<void> {
    await (await this.link()).reachable(timeoutMs);
  }

  /** Creates the stream or brings it to its limits, once per process (a failure is tried again next time). */
  ensureStream(stream: StreamDefinition): Promise<void> {
    let ensured = this.ensured.get(stream.name);
    if (!ensured) {
      ensured = this.link().then((link) => link.ensureStream(stream));
      ensured.catch(() => this.ensured.delete(stream.name));
      this.ensured.set(stream.name, ensured);
    }
    return ensured;
  }

  /** Publishes `message` (JSON, encodeMessage) on a JetStream subject of `stream`, deduplicated by `options.msgID`. */
  async publish(stream: StreamDefinition, subject: string, message: object, options: Partial<JetStreamPublishOptions>): Promise<void> {
    await this.ensureStream(stream);
    await (await this.connection()).jetstream().publish(subject, encodeMessage(message), options);
  }

  /** Core NATS, at most once (frames): no stream, no acknowledgement. */
  async send(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<void> {
    (await this.connection()).publish(subject, data, { headers });
  }

  /** Core NATS subscription (frames, the console's live push). */
  async subscribe(subject: string): Promise<Subscription> {
    return (await this.connection()).subscribe(subject);
  }

  /**
   * A durable consumer of `stream`, shared by every instance under `durable`: see NatsLink.consume
   * (retries, dead letters, waiting for the database while `available` says it is down).
   */
  async consume(
    stream: StreamDefinition,
    durable: string,
    handle: Handler,
    available: () => Promise<boolean>,
    /** Where a new durable starts: the stream's first message, or the next one. */
    from: 'all' | 'new' = 'all',
  ): Promise<{ stop(): void }> {
    await this.ensureStream(stream);
    const link = await this.link();
    await link.ensureConsumer(stream.name, durable, from);
    return link.consume(stream.name, durable, handle, available);
  }

  /** A key-value bucket, made if missing (see openBucket). */
  async bucket(name: string, options: Partial<KvOptions> = {}): Promise<KV> {
    return openBucket(await this.connection(), name, { ...options, replicas: this.options.replicas });
  }

  /** Drains the connection: after every user of it stopped (the process's last shutdown step). */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    await (await opening?.catch(() => undefined))?.close();
  }
}

/**
 * The request/reply client of @nestjs/microservices (ClientProxy) on the process's connection
 * instead of one of its own; the gateway's link to the services.
 */
export class SharedClientNats extends ClientNats {
  constructor(private readonly nats: NatsAdapter) {
    // Nest makes each request's inbox itself: under the process's prefix, or the server refuses the reply subscription.
    super({ inboxPrefix: nats.inboxPrefix });
  }

  createClient(): Promise<NatsConnection> {
    return this.nats.connection();
  }

  /** Forgets the connection; its adapter closes it. */
  async close(): Promise<void> {
    this.natsClient = null;
    this.connectionPromise = null;
  }
}
