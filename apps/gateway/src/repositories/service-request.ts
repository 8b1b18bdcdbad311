import {
  BadRequestException,
  GatewayTimeoutException,
  HttpException,
  PayloadTooLargeException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { DEFAULT_MAX_PAYLOAD } from '@hallwatch/runtime';

/** Nest's message for an error a service did not mean to send (logged there with its stack). */
const UNKNOWN_SERVICE_ERROR = 'Internal server error';

/** Sends a request to a service over NATS; a missing or slow service is a 503/504, not a hang. */
export async function requestService<T>(client: ClientProxy, subject: string, payload: unknown, timeoutMs = 10000): Promise<T> {
  try {
    return await firstValueFrom(client.send<T>(subject, payload).pipe(timeout(timeoutMs)));
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError') throw new GatewayTimeoutException(`no answer on ${subject} within ${timeoutMs} ms`);
    if ((err as { code?: string }).code === '503' || /no responders|no subscribers/i.test(String((err as Error).message))) {
      throw new ServiceUnavailableException(`no service answers ${subject}`);
    }
    if ((err as { code?: string }).code === 'MAX_PAYLOAD_EXCEEDED') {
      throw new PayloadTooLargeException(`the request on ${subject} is more than NATS carries in one message; send less at a time`);
    }
    throw refusal(err) ?? new ServiceError(subject, err);
  }
}

/** The largest message the NATS server takes (its max_payload): requests and replies must fit. */
export async function maxPayload(client: ClientProxy): Promise<number> {
  const nc = (await client.connect()) as { info?: { max_payload?: number } } | undefined;
  return nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
}

/**
 * A service's refusal as the HTTP error to answer: its 4xx with its own message (RpcRefusalFilter),
 * or a 400 for a request it refused as malformed (an RpcException with a reason).
 */
function refusal(err: unknown): HttpException | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, message } = err as { status?: unknown; message?: unknown };
  if (typeof message !== 'string') return undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) return new HttpException(message, status);
  if (status === 'error' && message !== UNKNOWN_SERVICE_ERROR) return new BadRequestException(message);
  return undefined;
}

/** A service failed on a request: a 500 whose log names the subject and what the service said. */
export class ServiceError extends Error {
  constructor(
    readonly subject: string,
    readonly reply: unknown,
  ) {
    super(`${subject} failed: ${reply instanceof Error ? reply.message : JSON.stringify(reply)}`, { cause: reply });
    this.name = 'ServiceError';
  }
}
