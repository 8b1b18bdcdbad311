import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** An error Express's body parser raised for the request itself (413, 415, 400…), not a fault of ours. */
function requestError(err: unknown): HttpException | undefined {
  const e = err as { status?: unknown; expose?: unknown; message?: unknown; type?: unknown };
  if (typeof e !== 'object' || e === null || e.expose !== true || typeof e.status !== 'number') return undefined;
  if (e.status < 400 || e.status >= 500) return undefined;
  return new HttpException(String(e.message), e.status);
}

/** The message and stack of an error and of each of its causes, for the log of a 500. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    if (e instanceof Error) {
      parts.push(e.stack ?? `${e.name}: ${e.message}`);
      e = e.cause;
    } else {
      parts.push(JSON.stringify(e) ?? String(e));
      e = undefined;
    }
  }
  return parts.join('\ncaused by: ');
}

/**
 * Bad requests get their 4xx and at most a warning (never a stack); a real fault gets a 500 and
 * an error log with its cause, so the log says why without telling the client.
 */
@Catch()
export class HttpErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException) return super.catch(exception, host);
    const request = host.switchToHttp().getRequest<{ method?: string; originalUrl?: string }>();
    const where = `${request.method} ${request.originalUrl?.split('?')[0]}`;
    const refused = requestError(exception);
    if (refused) {
      this.logger.warn(`${where}: ${refused.getStatus()} ${refused.message}`);
      return super.catch(refused, host);
    }
    this.logger.error(`${where}: ${describeError(exception)}`);
    super.catch(new HttpException('Internal server error', 500), host);
  }
}
