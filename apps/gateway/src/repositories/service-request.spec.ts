import { GatewayTimeoutException, ServiceUnavailableException } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { NEVER, throwError } from 'rxjs';
import { requestService } from './service-request';

const failingWith = (err: Error) => ({ send: () => throwError(() => err) }) as unknown as ClientProxy;

describe('requestService', () => {
  it('answers 503 naming the subject when no service listens, in either wording nats.js and Nest use', async () => {
    for (const message of ['503 no responders', 'Empty response. There are no subscribers listening to that message ("s")']) {
      const answer = requestService(failingWith(new Error(message)), 'hallwatch.inference.windows.live', {});
      await expect(answer).rejects.toThrow(ServiceUnavailableException);
      await expect(answer).rejects.toThrow('no service answers hallwatch.inference.windows.live');
    }
  });

  it('answers 504 when the service does not answer in time', async () => {
    const silent = { send: () => NEVER } as unknown as ClientProxy;
    await expect(requestService(silent, 'hallwatch.reporting.x', {}, 20)).rejects.toThrow(GatewayTimeoutException);
  });
});
