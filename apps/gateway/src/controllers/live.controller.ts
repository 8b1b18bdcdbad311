import { Controller, Headers, MessageEvent, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { concatMap, filter, interval, map, merge, Observable, takeUntil, timer } from 'rxjs';
import { CurrentToken, CurrentUser, WallScreen } from '../middleware/auth.decorators';
import { AuthService } from '../services/auth.service';
import type { AuthToken, Caller } from '../dtos/auth.types';
import { hallScope } from '../utils/hall-scope';
import { LiveEventsService } from '../services/live-events.service';

/** Keeps idle connections open through proxies that close silent ones. */
const KEEPALIVE_MS = 15_000;
/** Longest delay a Node timer takes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

@ApiTags('live')
@ApiBearerAuth()
@Controller('live')
export class LiveController {
  constructor(
    private readonly live: LiveEventsService,
    private readonly auth: AuthService,
  ) {}

  /**
   * Server-Sent Events for the caller's halls: `presence` (as on hallwatch.presence.<windowId>),
   * `incident.<event>` (opened, closed, reviewed, excused, unexcused: the message as on
   * hallwatch.incident.<windowId>.<event>), `camera` (a camera's health as on
   * hallwatch.camera.<cameraId>.status, as GET /api/cameras/status gives it), `card` (a case's
   * yellow or red card as on hallwatch.supervision.card, as GET /api/cards gives it),
   * `rectification.overdue` (an order of the caller's halls past its due time, the step as on
   * hallwatch.rectification.<orderId>.overdue; not to a wall screen, which may not read orders) and a `ping` every 15 s.
   */
  @Sse('events')
  @WallScreen()
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'event stream: presence, incident.opened|closed|reviewed|excused|unexcused, camera, card, rectification.overdue, ping',
  })
  events(
    @CurrentUser() user: Caller,
    @CurrentToken() verified: AuthToken,
    @Headers('authorization') authorization: string,
  ): Observable<MessageEvent> {
    const events = this.live.stream(hallScope(user)).pipe(
      filter((e) => user.role !== 'wall' || e.type !== 'rectification.overdue'),
      map((e): MessageEvent => ({ type: e.type, data: e.data })),
    );
    const ticks = interval(KEEPALIVE_MS);
    const pings = ticks.pipe(map((): MessageEvent => ({ type: 'ping', data: {} })));
    const expired = timer(Math.min(MAX_TIMER_MS, Math.max(0, verified.expiresAt - Date.now())));
    // Signed out (on any gateway) meanwhile: looked at with each ping.
    const token = authorization.split(' ')[1];
    const signedOut = ticks.pipe(
      concatMap(() => this.auth.verifyToken(token)),
      filter((verified) => verified === undefined),
    );
    // The stream ends when the token does (the console then signs in again) and when the gateway
    // shuts down (the console then shows the connection lost and reconnects, to another gateway).
    return merge(events, pings).pipe(takeUntil(merge(expired, signedOut, this.live.closing)));
  }
}
