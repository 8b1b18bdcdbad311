import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { HealthReport } from '@hallwatch/runtime';
import { SERVICES, Subjects } from '@hallwatch/contracts';
import { NATS_CLIENT } from '../nats/nats-client.module';
import { requestService } from '../nats/service-request';

export interface ServiceHealth {
  status: 'ok' | 'down';
  database?: HealthReport['database'];
  instance?: string;
  error?: string;
}

@Injectable()
export class HealthService {
  constructor(@Inject(NATS_CLIENT) private readonly nats: ClientProxy) {}

  async check(): Promise<{ status: 'ok' | 'degraded'; nats: 'ok' | 'down'; services: Record<string, ServiceHealth> }> {
    let nats: 'ok' | 'down' = 'ok';
    try {
      await this.nats.connect();
    } catch {
      nats = 'down';
    }
    const entries = await Promise.all(
      SERVICES.map(async (service): Promise<[string, ServiceHealth]> => {
        if (nats === 'down') return [service, { status: 'down', error: 'NATS is unreachable' }];
        try {
          const report = await requestService<HealthReport>(this.nats, Subjects.health(service), {}, 3000);
          return [service, { status: report.database === 'ok' ? 'ok' : 'down', database: report.database, instance: report.instance }];
        } catch (err) {
          return [service, { status: 'down', error: (err as Error).message }];
        }
      }),
    );
    const services = Object.fromEntries(entries);
    const allOk = nats === 'ok' && entries.every(([, h]) => h.status === 'ok');
    return { status: allOk ? 'ok' : 'degraded', nats, services };
  }
}
