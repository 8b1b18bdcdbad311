// NatsLink: one process's NATS connection with its state, its streams, its durable consumers and their dead letters.
import {
  AckPolicy,
  connect,
  ConnectionOptions,
  Consumer,
  DeliverPolicy,
  JsMsg,
  NatsConnection,
  nanos,
  StreamConfig,
  Subscription,
} from 'nats';
import type { NatsAuth } from '@hallwatch/config';
import { StreamDefinition, Streams } from '@hallwatch/contracts';
import { publishDeadLetter } from './dead-letters';
import { natsConnectionOptions } from './nats-connection';
import { keptReplicas, natsReachable, natsUnavailable } from './nats-streams';
import { LockUnavailable } from './waiting';

/**
 * Pause before each redelivery of a message whose handler failed or whose handler died (the
 * consumer's backoff: also its ack wait, kept alive by the handler while it works).
 */
export const BACKOFF_MS = [1000, 2000, 5000, 10_000] as const;
/** Deliveries of one message before it is moved to the dead-letter stream. */
export const MAX_DELIVER = BACKOFF_MS.length + 1;
/** How often a message being handled is reported in progress: well within BACKOFF_MS[0]. */
const WORKING_EVERY_MS = 300;

/** A connection with its state, and JetStream's stream and consumer plumbing. */
export class NatsLink {
  private up = true;
  /** The durable consumers consumed through this link (see consume), for their backlogs. */
  private readonly consumed: { stream: string; durable: string }[] = [];

  private constructor(
    readonly nc: NatsConnection,
    private readonly replicas: number,
    private readonly log: { log(m: string): void; warn(m: string): void },
  ) {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' && this.up) {
          this.up = false;
          log.warn(`NATS connection lost (${s.data}); reconnecting`);
        }
        if (s.type === 'reconnect') {
          this.up = true;
          log.log(`NATS reconnected to ${s.data}`);
        }
      }
    })();
  }

  /** `overrides`: connection options beyond natsConnectionOptions (e.g. the CLI's, which gives up at once). */
  static async open(
    natsUrl: string,
    name: string,
    replicas: number,
    log: NatsLink['log'],
    auth?: NatsAuth,
    overrides: Partial<ConnectionOptions> = {},
  ): Promise<NatsLink> {
    return new NatsLink(await connect({ ...natsConnectionOptions(natsUrl, name, auth), ...overrides }), replicas, log);
  }

  /** False while the client is reconnecting. */
  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  jetstream() {
    return this.nc.jetstream();
  }

  /** See natsReachable. */
  reachable(timeoutMs: number): Promise<void> {
    return natsReachable(this.nc, timeoutMs);
  }

  /**
   * Messages each durable consumed through this link has not handled yet (pending plus
   * unacknowledged), keyed `<stream>/<durable>`; a consumer whose info does not come within
   * `timeoutMs` is left out.
   */
  async consumerBacklogs(timeoutMs: number): Promise<Map<string, number>> {
    const jsm = await this.nc.jetstreamManager({ timeout: timeoutMs, checkAPI: false });
    const backlogs = new Map<string, number>();
    for (const { stream, durable } of this.consumed) {
      const info = await jsm.consumers.info(stream, durable).catch(() => undefined);
      if (info) backlogs.set(`${stream}/${durable}`, info.num_pending + info.num_ack_pending);
    }
    return backlogs;
  }

  /**
   * Creates the stream, or brings an existing one to this configuration (limits, replicas,
   * subjects): a stream created by an older version gets its limits at the next start. Replicas
   * are raised, never lowered (see keptReplicas).
   */
  async ensureStream(stream: StreamDefinition): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    const want: Partial<StreamConfig> & { num_replicas: number } = {
      subjects: [...stream.subjects],
      max_age: nanos(stream.maxAgeMs),
      max_bytes: stream.maxBytes,
      num_replicas: this.replicas,
      duplicate_window: nanos(2 * 60_000),
    };
    const current = await jsm.streams.info(stream.name).catch(() => undefined);
    if (!current) {
      try {
        await jsm.streams.add({ name: stream.name, ...want });
        return;
      } catch (err) {
        // Another service may have created it in the meantime: reconcile that one.
        if (!(await jsm.streams.info(stream.name).catch(() => undefined))) throw err;
      }
    }
    const c = (await jsm.streams.info(stream.name)).config;
    want.num_replicas = keptReplicas(stream.name, c.num_replicas, this.replicas, this.log);
    const differs =
      c.max_age !== want.max_age ||
      c.max_bytes !== want.max_bytes ||
      c.num_replicas !== want.num_replicas ||
      c.duplicate_window !== want.duplicate_window ||
      [...c.subjects].sort().join() !== [...want.subjects!].sort().join();
    if (differs) {
      await jsm.streams.update(stream.name, { ...c, ...want });
      this.log.log(
        `stream ${stream.name} reconciled: subjects ${stream.subjects.join(' ')}, max_age ${stream.maxAgeMs} ms, max_bytes ${stream.maxBytes}, replicas ${want.num_replicas}`,
      );
    }
  }

  /**
   * A durable pull consumer with redelivery limits, created or brought to this configuration.
   * `from`: where a new one starts, at the stream's first message (`all`) or at the next one
   * published (`new`, for a consumer that acts on the world and must not replay the past).
   */
  async ensureConsumer(stream: string, durable: string, from: 'all' | 'new' = 'all'): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    const want = { max_deliver: MAX_DELIVER, backoff: BACKOFF_MS.map(nanos), max_ack_pending: 64 };
    const current = await jsm.consumers.info(stream, durable).catch(() => undefined);
    if (!current) {
      try {
        await jsm.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: from === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
          ...want,
        });
        return;
      } catch (err) {
        if (!(await jsm.consumers.info(stream, durable).catch(() => undefined))) throw err;
      }
    }
    const c = (await jsm.consumers.info(stream, durable)).config;
    if (
      c.max_deliver !== want.max_deliver ||
      (c.backoff ?? []).join() !== want.backoff.join() ||
      c.max_ack_pending !== want.max_ack_pending
    ) {
      await jsm.consumers.update(stream, durable, want);
      this.log.log(`consumer ${stream}/${durable} reconciled: max_deliver ${MAX_DELIVER}`);
    }
  }

  /**
   * Consumes a durable consumer (see ensureConsumer) one message at a time. `handle` decodes and
   * stores; when it throws, the message is retried after BACKOFF_MS, and on its last delivery it
   * is moved to the dead-letter stream so the consumer goes on. A message is not held against
   * itself while `available()` says a dependency (the database) is down: it waits, kept in
   * progress, until the dependency is back. Undecodable messages are moved aside at once.
   * One message per pull: none waits in this process while its short ack wait runs out; a failed
   * pull (NATS away) is retried every second.
   */
  async consume(stream: string, durable: string, handle: Handler, available: () => Promise<boolean>): Promise<{ stop(): void }> {
    await this.ensureStream(Streams.deadLetters);
    const entry = { stream, durable };
    this.consumed.push(entry);
    let stopped = false;
    void (async () => {
      let consumer: Consumer | undefined;
      let failing = false;
      while (!stopped) {
        try {
          consumer ??= await this.jetstream().consumers.get(stream, durable);
          const m = await consumer.next({ expires: 5000 });
          failing = false;
          if (m) await this.attempt(m, handle, available, () => stopped);
        } catch (err) {
          if (!failing) this.log.warn(`${stream}/${durable}: pull failed, retrying every second: ${(err as Error).message}`);
          failing = true;
          consumer = undefined;
          await sleep(1000);
        }
      }
    })();
    const advisories = this.moveAsideUnacknowledged(stream, durable);
    return {
      stop: () => {
        stopped = true;
        if (this.consumed.includes(entry)) this.consumed.splice(this.consumed.indexOf(entry), 1);
        advisories.unsubscribe();
      },
    };
  }

  /**
   * A message whose handler never finished (e.g. it crashed the process each time) reaches
   * max_deliver without a failure this process saw: the server says so in an advisory, and it is
   * moved aside from the stream (every instance hears it; the dead-letter id stores it once).
   */
  private moveAsideUnacknowledged(stream: string, durable: string): Subscription {
    const sub = this.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`);
    void (async () => {
      for await (const a of sub) {
        try {
          const { stream_seq: seq, deliveries } = JSON.parse(Buffer.from(a.data).toString('utf8')) as {
            stream_seq: number;
            deliveries: number;
          };
          const stored = await (await this.nc.jetstreamManager()).streams.getMessage(stream, { seq });
          await this.publishDeadLetter(
            { stream, consumer: durable, subject: stored.subject, seq, data: stored.data },
            `not acknowledged after ${deliveries} deliveries`,
          );
        } catch (err) {
          this.log.warn(`${stream}/${durable}: a message past max_deliver could not be moved aside: ${(err as Error).message}`);
        }
      }
    })();
    return sub;
  }

  private async attempt(m: JsMsg, handle: Handler, available: () => Promise<boolean>, stopped: () => boolean): Promise<void> {
    const keepAlive = setInterval(() => m.working(), WORKING_EVERY_MS);
    let waitedForNats = false;
    try {
      for (;;) {
        try {
          await handle(m.data, m.subject);
          m.ack();
          return;
        } catch (err) {
          if (err instanceof UndecodableMessage) {
            await this.deadLetter(m, err.message);
            return;
          }
          if (stopped()) return;
          if (natsUnavailable(err) || err instanceof LockUnavailable) {
            // A leader election, a lost node (e.g. the lock bucket's) or a lock held long by others
            // (a bulk import): held, not counted against it.
            if (!waitedForNats)
              this.log.warn(`${m.subject}: not stored yet, waiting for NATS or a lock (${(err as Error).message}); retrying`);
            waitedForNats = true;
            await sleep(1000);
            continue;
          }
          if (!(await available().catch(() => false))) {
            this.log.warn(`${m.subject}: not stored while the database is unreachable; waiting for it (${(err as Error).message})`);
            while (!stopped() && !(await available().catch(() => false))) await sleep(1000);
            continue;
          }
          const delivery = m.info.redeliveryCount;
          if (delivery >= MAX_DELIVER) {
            await this.deadLetter(m, `failed ${delivery} deliveries, last: ${(err as Error).message}`);
            return;
          }
          this.log.warn(`${m.subject}: not stored (delivery ${delivery} of ${MAX_DELIVER}), retried: ${(err as Error).message}`);
          m.nak(BACKOFF_MS[delivery - 1]);
          return;
        }
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Copies a message to the dead-letter stream with why, then terminates it on its consumer. */
  private async deadLetter(m: JsMsg, reason: string): Promise<void> {
    try {
      await this.publishDeadLetter(
        { stream: m.info.stream, consumer: m.info.consumer, subject: m.subject, seq: m.seq, data: m.data },
        reason,
      );
      m.term();
    } catch (err) {
      // Not moved: it stays on its consumer and comes back.
      this.log.warn(`${m.subject} #${m.seq} could not be moved to ${Streams.deadLetters.name} (${(err as Error).message}); retried`);
      m.nak(BACKOFF_MS[BACKOFF_MS.length - 1]);
    }
  }

  private async publishDeadLetter(
    m: { stream: string; consumer: string; subject: string; seq: number; data: Uint8Array },
    reason: string,
  ): Promise<void> {
    // Deduplicated by stream and sequence: an instance that dies here and a redelivery store it once.
    await publishDeadLetter(this.jetstream(), { ...m, sequence: m.seq, reason });
    this.log.warn(`${m.subject} #${m.seq} moved to ${Streams.deadLetters.name}: ${reason}`);
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
  }
}

/** Handles one message's payload; throw UndecodableMessage when it can never be handled. */
export type Handler = (data: Uint8Array, subject: string) => Promise<void>;

export class UndecodableMessage extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
