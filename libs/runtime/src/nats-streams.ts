// JetStream stream and key-value helpers on a bare connection: buckets, replicas, reachability.
import { KV, KvOptions, NatsConnection } from 'nats';
import { Logger } from '@nestjs/common';
import { withTimeout } from './waiting';

/**
 * A JetStream key-value bucket, made if missing, with at least `replicas` replicas (an existing
 * bucket made before the setting changed is brought up to it; see keptReplicas).
 */
export async function openBucket(nc: NatsConnection, name: string, options: Partial<KvOptions> & { replicas: number }): Promise<KV> {
  const kv = await nc.jetstream().views.kv(name, options);
  await reconcileReplicas(nc, `KV_${name}`, options.replicas);
  return kv;
}

/**
 * Gives an existing stream (e.g. a KV bucket's, made before the setting changed) at least this many
 * replicas (see keptReplicas).
 */
export async function reconcileReplicas(
  nc: NatsConnection,
  stream: string,
  replicas: number,
  log: { warn(m: string): void } = new Logger('nats'),
): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const { config } = await jsm.streams.info(stream);
  const kept = keptReplicas(stream, config.num_replicas, replicas, log);
  if (config.num_replicas !== kept) await jsm.streams.update(stream, { ...config, num_replicas: kept });
}

/**
 * The replicas an existing stream keeps: HALLWATCH_STREAM_REPLICAS when it has fewer, else its
 * own. A service started without the setting (or with a lower one) never takes replicas away, so
 * a forgotten variable cannot leave the streams and leases on one NATS node; it says so instead.
 */
export function keptReplicas(stream: string, current: number, wanted: number, log: { warn(m: string): void }): number {
  if (current <= wanted) return wanted;
  log.warn(`${stream} has ${current} replicas, more than HALLWATCH_STREAM_REPLICAS=${wanted}: kept at ${current}`);
  return current;
}

/** Resolves once the server answered a ping; rejects at once while the client is reconnecting, or after `timeoutMs`. */
export async function natsReachable(nc: NatsConnection, timeoutMs: number): Promise<void> {
  if (nc.isClosed()) throw new Error('NATS connection closed');
  await withTimeout(nc.rtt(), timeoutMs, `NATS did not answer a ping within ${timeoutMs} ms`).catch((err: Error & { code?: string }) => {
    throw err.code === 'DISCONNECT' ? new Error('NATS connection lost, reconnecting') : err;
  });
}

/** NATS itself did not answer: no responders, a timeout, or a connection lost meanwhile. */
export function natsUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 'TIMEOUT' || code === '503' || code === 'CONNECTION_CLOSED' || code === 'DISCONNECT';
}
