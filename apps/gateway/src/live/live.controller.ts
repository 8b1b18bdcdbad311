import { Controller, MessageEvent, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { interval, map, merge, Observable } from 'rxjs';
import { CurrentUser } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth.types';
import { hallScope } from '../auth/hall-scope';
import { LiveEventsService } from './live-events.service';

/** Keeps idle connections open through proxies that close silent ones. */
const KEEPALIVE_MS = 15_000;

@ApiTags('live')
@ApiBearerAuth()
@Controller('live')
export class LiveController {
  constructor(private readonly live: LiveEventsService) {}

  /**
   * Server-Sent Events for the caller's halls: `presence` (as on hallwatch.presence.<windowId>),
   * `incident` (as on hallwatch.incident.<kind>) and a `ping` every 15 s.
   */
  @Sse('events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'event stream: presence, incident, ping' })
  events(@CurrentUser() user: AuthUser): Observable<MessageEvent> {
    const events = this.live.stream(hallScope(user)).pipe(map((e): MessageEvent => ({ type: e.type, data: e.data })));
    const pings = interval(KEEPALIVE_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    return merge(events, pings);
  }
}
