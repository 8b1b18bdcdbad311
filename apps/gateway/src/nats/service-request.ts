import { GatewayTimeoutException, ServiceUnavailableException } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';

/** Sends a request to a service over NATS; a missing or slow service is a 503/504, not a hang. */
export async function requestService<T>(client: ClientProxy, subject: string, payload: unknown, timeoutMs = 10000): Promise<T> {
  try {
    return await firstValueFrom(client.send<T>(subject, payload).pipe(timeout(timeoutMs)));
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError') throw new GatewayTimeoutException(`no answer on ${subject} within ${timeoutMs} ms`);
    if ((err as { code?: string }).code === '503' || /no responders/i.test(String((err as Error).message))) {
      throw new ServiceUnavailableException(`no service answers ${subject}`);
    }
    throw err;
  }
}
