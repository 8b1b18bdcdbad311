import { ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import {
  ActiveAwayRequest,
  AwayDeclarationMessage,
  AwayRequest,
  awayId,
  QueueEventMessage,
  Subjects,
  SYSTEM_WRITERS,
} from '@hallwatch/contracts';
import { AwayDeclaration, awayRefusal } from '@hallwatch/domain';
import { addDays, localDate } from '@hallwatch/stats';
import { AwayRepository } from '../repositories/away.repository';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { RollupService } from './rollup.service';
import { SiteWindows } from './site-windows';

const MINUTE = 60_000;

/**
 * The record of 暂离 declarations: a user's (POST /api/windows/:id/away) or the queue system's (a
 * pause with a reason), each checked against rules.awayMax and rules.awayPerDayMax, stored with who
 * declared it, then published on hallwatch.window.<windowId>.away for the hall's judge.
 */
@Injectable()
export class AwayService {
  constructor(
    private readonly declarations: AwayRepository,
    private readonly site: SiteWindows,
    private readonly jetstream: JetStreamRepository,
    private readonly rollups: RollupService,
  ) {}

  /** A user declares a window away from now (404 unknown window, 403 outside their halls, 422 over a limit, naming it). */
  async declare(request: AwayRequest): Promise<AwayDeclarationMessage> {
    const hallId = this.site.info.get(request.windowId)?.hallId;
    if (hallId === undefined) throw new NotFoundException(`no window "${request.windowId}"`);
    if (!this.site.inHalls(request.windowId, request.halls))
      throw new ForbiddenException(`window "${request.windowId}" is outside your halls`);
    const from = Date.now();
    const declaration = { windowId: request.windowId, from, to: from + request.minutes * MINUTE };
    const refusal = awayRefusal(await this.sameDay(declaration), declaration, this.site.awayLimits, this.site.timeZone);
    if (refusal) throw new UnprocessableEntityException(refusal);
    return this.record(declaration, hallId, request.reason, 'api', { by: request.by.username, at: from });
  }

  /**
   * A queue system's pause with a reason declares the window away for rules.awayMax, or what is left
   * of the day's rules.awayPerDayMax; nothing when none is left (the absence then counts as usual).
   */
  async fromQueue(m: QueueEventMessage): Promise<void> {
    const hallId = this.site.info.get(m.windowId)?.hallId;
    if (m.event !== 'pause' || m.reason === undefined || hallId === undefined) return;
    const from = Date.parse(m.at);
    const earlier = await this.sameDay({ windowId: m.windowId, from, to: from });
    const { awayMax } = this.site.awayLimits;
    // The longest declaration within both limits, to the minute.
    for (let minutes = Math.floor(awayMax / MINUTE); minutes > 0; minutes--) {
      const declaration = { windowId: m.windowId, from, to: from + minutes * MINUTE };
      if (awayRefusal(earlier, declaration, this.site.awayLimits, this.site.timeZone)) continue;
      // Who and when as the event says, so a redelivered event records the same declaration.
      const at = m.submittedAt === undefined ? from : Date.parse(m.submittedAt);
      await this.record(declaration, hallId, m.reason, 'queue', { by: m.submittedBy ?? SYSTEM_WRITERS.queue.username, at });
      return;
    }
  }

  /** The declarations going on at `at` in these halls. */
  async active(request: ActiveAwayRequest): Promise<AwayDeclarationMessage[]> {
    const at = Date.parse(request.at);
    const windows = [...this.site.info.keys()].filter((w) => this.site.inHalls(w, request.halls));
    // A declaration is shorter than a day: it began today or yesterday.
    const today = localDate(this.site.timeZone, at);
    const days = windows.flatMap((w) => [`${w}|${today}`, `${w}|${addDays(today, -1)}`]);
    return (await this.declarations.ofDays(days)).filter((d) => Date.parse(d.from) <= at && at < Date.parse(d.to));
  }

  /** The window's declarations of the local day of `declaration.from` and the day before (one may reach into it). */
  private async sameDay(declaration: AwayDeclaration): Promise<AwayDeclaration[]> {
    const date = localDate(this.site.timeZone, declaration.from);
    const stored = await this.declarations.ofDays([`${declaration.windowId}|${addDays(date, -1)}`, `${declaration.windowId}|${date}`]);
    return stored.map((d) => ({ windowId: d.windowId, from: Date.parse(d.from), to: Date.parse(d.to) }));
  }

  private async record(
    declaration: AwayDeclaration,
    hallId: string,
    reason: string,
    source: AwayDeclarationMessage['source'],
    submitted: { by: string; at: number },
  ): Promise<AwayDeclarationMessage> {
    const message: AwayDeclarationMessage = {
      id: awayId(declaration.windowId, declaration.from),
      windowId: declaration.windowId,
      hallId,
      from: new Date(declaration.from).toISOString(),
      to: new Date(declaration.to).toISOString(),
      reason,
      source,
      submittedBy: submitted.by,
      submittedAt: new Date(submitted.at).toISOString(),
    };
    await this.declarations.add(message, localDate(this.site.timeZone, declaration.from));
    await this.rollups.recordAway(declaration.windowId, declaration.from, declaration.to);
    // Published after it is stored; a redelivered queue event publishes it again, deduplicated by its id.
    await this.jetstream.publish('away', Subjects.away(declaration.windowId), message, message.id);
    return message;
  }
}
