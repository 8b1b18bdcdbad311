import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';
import { deadLetterCounts, HealthReport, natsReachable, READINESS_TIMEOUT_MS, ServiceMetrics } from '@hallwatch/runtime';
import { FailingHall, InferenceRequests, SERVICES, Subjects } from '@hallwatch/contracts';
import { NATS_CLIENT } from '../modules/nats-client.module';
import { requestService } from '../repositories/service-request';

export interface ServiceHealth {
  status: 'ok' | 'down';
  database?: HealthReport['database'];
  instance?: string;
  error?: string;
}

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
          if (!connection) return [service, { status: 'down', error: 'NATS is unreachable' }];
          try {
            const report = await requestService<HealthReport>(this.nats, Subjects.health(service), {}, 3000);
            return [service, { status: report.database === 'ok' ? 'ok' : 'down', database: report.database, instance: report.instance }];
          } catch (err) {
            return [service, { status: 'down', error: (err as Error).message }];
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
