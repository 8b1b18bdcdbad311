import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseRpcExceptionFilter, NatsOptions, RpcException, ServerNats } from '@nestjs/microservices';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import { Observable } from 'rxjs';
import type { NatsAdapter } from './nats-adapter';

/** nats-server's default max_payload, for when the server has not said its own. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** What a service answers a request it refuses: an HTTP status and its own message. */
export interface RpcRefusal {
  status: number;
  message: string;
}

/**
 * A service's 4xx (BadRequestException…) goes back to the caller with its status and message,
 * so the gateway can answer 400 with the service's own words instead of a bare 500. Anything
 * else keeps Nest's handling: logged with its stack here, "Internal server error" to the caller.
 */
@Catch()
export class RpcRefusalFilter extends BaseRpcExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): Observable<unknown> {
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : [(response as { message?: unknown }).message].flat().join('; ');
      return super.catch(new RpcException({ status: exception.getStatus(), message } satisfies RpcRefusal), host);
    }
    return super.catch(exception, host);
  }
}

/**
 * The NATS transport of @nestjs/microservices, except that a message it cannot decode (not JSON,
 * say) is dropped with a warning: Nest's own lets the decode error escape, and the unhandled
 * rejection ends the process, so one stray publish on a request subject took a service down.
 */
export class SafeServerNats extends ServerNats {
  private readonly handlers: Subscription[] = [];

  /** Serves on `nats`, the process's connection, instead of opening one of its own. */
  constructor(
    private readonly nats: Pick<NatsAdapter, 'connection'>,
    options: NonNullable<NatsOptions['options']>,
  ) {
    super(options);
  }

  createNatsClient(): Promise<NatsConnection> {
    return this.nats.connection();
  }

  bindEvents(client: NatsConnection): void {
    // Kept, so close can end this server's subscriptions without closing a shared connection.
    const recording = {
      subscribe: (subject: string, opts: Parameters<NatsConnection['subscribe']>[1]) => {
        const sub = client.subscribe(subject, opts);
        this.handlers.push(sub);
        return sub;
      },
    };
    super.bindEvents(recording as NatsConnection);
  }

  /** Stops answering; the connection stays open for the rest of the shutdown (its adapter closes it last). */
  async close(): Promise<void> {
    this.handlers.splice(0).forEach((sub) => sub.unsubscribe());
  }

  async handleMessage(channel: string, natsMsg: Parameters<ServerNats['handleMessage']>[1]): Promise<unknown> {
    try {
      return await super.handleMessage(channel, natsMsg);
    } catch (err) {
      this.logger.warn(`dropped a message on ${channel} that could not be handled: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * Sends each reply only if NATS can carry it: a reply over the server's max_payload is answered
   * with a 413 naming its size instead (Nest's own lets the publish error escape, and the
   * unhandled rejection ended the process), and a reply that still cannot be sent is logged.
   */
  getPublisher(natsMsg: Msg, id: string, ctx: Parameters<ServerNats['getPublisher']>[2]): (response: unknown) => unknown {
    const subject = natsMsg.subject;
    const guarded = {
      reply: natsMsg.reply,
      respond: (data: Uint8Array, opts?: { headers?: MsgHdrs }): boolean => {
        try {
          const max = this.unwrap<NatsConnection>().info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
          const size = data.length + (opts?.headers ? opts.headers.toString().length : 0);
          if (size <= max) return natsMsg.respond(data, opts);
          const refusal: RpcRefusal = { status: 413, message: replyTooLarge(subject, size, max) };
          this.logger.warn(`${subject}: ${refusal.message}; answered 413`);
          return natsMsg.respond(this.serializer.serialize({ id, err: refusal, isDisposed: true }).data);
        } catch (err) {
          this.logger.error(`${subject}: reply not sent: ${(err as Error).message}`);
          return false;
        }
      },
    } as Msg;
    return super.getPublisher(guarded, id, ctx);
  }
}

/** Why a reply is not sent: its size against the server's limit, and what to ask instead. */
function replyTooLarge(subject: string, size: number, max: number): string {
  return `the answer to ${subject} is ${size} bytes, more than NATS carries in one message (${max}); ask for less (a smaller limit, a shorter period)`;
}
