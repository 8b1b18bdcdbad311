import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { Empty, ErrorCode, JSONCodec, NatsError, RequestStrategy, type NatsConnection } from 'nats';
import { deadLetterCounts, HealthReport, natsReachable, READINESS_TIMEOUT_MS, ServiceMetrics } from '@hallwatch/runtime';
import { FailingHall, InferenceRequests, ServiceName, SERVICES, Subjects } from '@hallwatch/contracts';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';

export interface ServiceHealth {
  /** ok while at least one instance answers and every one that answers reaches its database. */
  status: 'ok' | 'down';
  /** ok when every instance that answered reaches its database. */
  database?: HealthReport['database'];
  /** Every instance that answered, each for itself, by instance name (inference with its halls, ingestion with its cameras). */
  instances: HealthReport[];
  error?: string;
}

/** How long the first instance of a service has to answer, and how long after each answer another may still come. */
const FIRST_ANSWER_MS = 3000;
const NEXT_ANSWER_MS = 500;

export interface Health {
  status: 'ok' | 'degraded';
  nats: 'ok' | 'down';
  /** Messages moved to the dead-letter stream (null while NATS does not tell). */
  deadLetters: number | null;
  /** The same per stream they came from, e.g. { HALLWATCH_PRESENCE: 2 } (null while NATS does not tell). */
  deadLettersByStream: Record<string, number> | null;
  /** Halls that keep failing, so nobody judges them (null while inference does not tell). */
  failingHalls: FailingHall[] | null;
  services: Record<string, ServiceHealth>;
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(NATS_CLIENT) private readonly nats: ClientProxy,
    metrics: ServiceMetrics,
  ) {
    // The gateway is ready while its request/reply link to the services answers (/readyz).
    metrics.readiness('NATS', async () => natsReachable((await this.nats.connect()) as NatsConnection, READINESS_TIMEOUT_MS));
  }

  /** Answers within a few seconds whatever is down: the client says at once while it is reconnecting. */
  async check(): Promise<Health> {
    let connection: NatsConnection | undefined;
    try {
      connection = (await this.nats.connect()) as NatsConnection;
    } catch {
      // Not connected (the client keeps reconnecting): every service is unreachable.
    }
    const [deadLetters, failingHalls, entries] = await Promise.all([
      connection ? deadLetterCounts(connection) : undefined,
      connection ? requestService<FailingHall[]>(this.nats, InferenceRequests.failingHalls, {}, 3000).catch(() => null) : null,
      Promise.all(
        SERVICES.map(async (service): Promise<[string, ServiceHealth]> => {
          if (!connection) return [service, { status: 'down', instances: [], error: 'NATS is unreachable' }];
          try {
            const instances = await instancesOf(connection, service);
            if (instances.length === 0)
              return [service, { status: 'down', instances, error: `no instance answers ${Subjects.health(service)}` }];
            const database = instances.every((i) => i.database === 'ok') ? 'ok' : 'down';
            return [service, { status: database, database, instances }];
          } catch (err) {
            return [service, { status: 'down', instances: [], error: (err as Error).message }];
          }
        }),
      ),
    ]);
    const nats = connection ? 'ok' : 'down';
    const services = Object.fromEntries(entries);
    const allOk = nats === 'ok' && entries.every(([, h]) => h.status === 'ok') && failingHalls?.length === 0;
    return {
      status: allOk ? 'ok' : 'degraded',
      nats,
      deadLetters: deadLetters?.total ?? null,
      deadLettersByStream: deadLetters?.byStream ?? null,
      failingHalls,
      services,
    };
  }
}

/**
 * Every live instance's own answer (scatter-gather: one request, a reply from each instance, none
 * of them in a queue group). The gathering ends NEXT_ANSWER_MS after the last answer, or
 * FIRST_ANSWER_MS without any, so a dead or paused instance is missing from the list instead of
 * holding the request.
 */
async function instancesOf(connection: NatsConnection, service: ServiceName): Promise<HealthReport[]> {
  const codec = JSONCodec<HealthReport>();
  const instances: HealthReport[] = [];
  try {
    const replies = await connection.requestMany(Subjects.health(service), Empty, {
      strategy: RequestStrategy.JitterTimer,
      maxWait: FIRST_ANSWER_MS,
      jitter: NEXT_ANSWER_MS,
    });
    for await (const reply of replies) instances.push(codec.decode(reply.data));
  } catch (err) {
    // No responders: no instance is subscribed at all.
    if (!(err instanceof NatsError && err.code === ErrorCode.NoResponders)) throw err;
  }
  return instances.sort((a, b) => a.instance.localeCompare(b.instance));
}
