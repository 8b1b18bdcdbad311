import type { NatsConnection } from 'nats';
import { Streams } from '@hallwatch/contracts';
import { deadLetterCounts, REPLAYABLE_STREAMS } from './dead-letters';
import type { ServiceMetrics } from './metrics';
import type { NatsLink } from './nats-link';

/** Longest a scrape waits for one JetStream answer: a scrape must not hang while NATS is away (the series are then left out). */
const SCRAPE_TIMEOUT_MS = 1000;

/**
 * How full a stream is against its limits: bytes against max_bytes or messages against
 * max_msgs, the larger (1 is full; a limit of -1 or 0 is none). 0 for a stream without limits.
 */
export function streamFillRatio(state: { bytes: number; messages: number }, config: { max_bytes: number; max_msgs: number }): number {
  const ratios = [config.max_bytes > 0 ? state.bytes / config.max_bytes : 0, config.max_msgs > 0 ? state.messages / config.max_msgs : 0];
  return Math.max(...ratios);
}

/**
 * hallwatch_consumer_pending_messages{consumer="<stream>/<durable>"}: what each durable consumer
 * this service consumes through `link` has not handled yet (not delivered, or delivered and not
 * acknowledged), read at scrape time. Every instance of a service reports its shared durables.
 */
export function exportConsumerBacklogs(metrics: ServiceMetrics, link: () => Promise<NatsLink> | undefined): void {
  metrics.gauge({
    name: 'hallwatch_consumer_pending_messages',
    help: 'Messages a durable consumer has not handled yet (pending and unacknowledged), by <stream>/<durable>',
    labelNames: ['consumer'],
    async collect() {
      this.reset();
      const nats = await link();
      if (!nats?.connected) return;
      for (const [consumer, pending] of await nats.consumerBacklogs(SCRAPE_TIMEOUT_MS)) this.set({ consumer }, pending);
    },
  });
}

/**
 * hallwatch_stream_fill_ratio{stream} of every Hallwatch stream and hallwatch_dead_letters{stream}
 * per stream the letters came from, read at scrape time. One service exports them (reporting):
 * they are the same for everyone.
 */
export function exportStreamMetrics(metrics: ServiceMetrics, connection: () => Promise<NatsConnection> | undefined): void {
  const reachable = async () => {
    const nc = await connection();
    return nc && !nc.isClosed() ? nc : undefined;
  };
  metrics.gauge({
    name: 'hallwatch_stream_fill_ratio',
    help: 'How full a JetStream stream is against its limits: bytes or messages against the limit, the larger (0-1)',
    labelNames: ['stream'],
    async collect() {
      this.reset();
      const nc = await reachable();
      if (!nc) return;
      const jsm = await nc.jetstreamManager({ timeout: SCRAPE_TIMEOUT_MS, checkAPI: false });
      for (const { name } of Object.values(Streams)) {
        const info = await jsm.streams.info(name).catch(() => undefined); // not created yet, or NATS away
        if (info) this.set({ stream: name }, streamFillRatio(info.state, info.config));
      }
    },
  });
  metrics.gauge({
    name: 'hallwatch_dead_letters',
    help: 'Messages moved to the dead-letter stream (HALLWATCH_DEADLETTER), by the stream they came from',
    labelNames: ['stream'],
    async collect() {
      this.reset();
      const nc = await reachable();
      const counts = nc && (await deadLetterCounts(nc, SCRAPE_TIMEOUT_MS));
      if (!counts) return;
      for (const { name } of REPLAYABLE_STREAMS) this.set({ stream: name }, counts.byStream[name] ?? 0);
    },
  });
}
