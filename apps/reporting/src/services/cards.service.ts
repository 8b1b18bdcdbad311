import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { CARD_DEFAULT_PERIOD_DAYS, CardMessage, CardQuery, Subjects } from '@hallwatch/contracts';
import { dueCards, effectiveDeadline, caseTimeline, isOpenCaseStatus, type CardColor } from '@hallwatch/domain';
import { CardsRepository, StoredCard } from '../repositories/cards.repository';
import { CasesRepository, CaseState } from '../repositories/cases.repository';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { WriteLockRepository } from '../repositories/write-lock.repository';
import { SiteWindows } from './site-windows';

/** Watched cases judged under one hold of the write lock, so other writers get their turn in between. */
const CHECK_CHUNK = 200;
const DAY_MS = 86_400_000;

/**
 * Yellow and red cards (红黄牌): issued to a case in flight at once when an update of it is stored
 * (CasesService), and by the periodic check of every case still in flight without a red card
 * (CardCheck), under the write lock. A card is stored once per case and color (`cards`),
 * published on hallwatch.supervision.card (message id `card:<caseId>:<color>`) and marked
 * published; one stored but not yet published is published the next time its case is judged.
 */
@Injectable()
export class CardsService {
  private readonly log = new Logger(CardsService.name);

  constructor(
    private readonly site: SiteWindows,
    private readonly cases: CasesRepository,
    private readonly cards: CardsRepository,
    private readonly jetstream: JetStreamRepository,
    private readonly lock: WriteLockRepository,
  ) {}

  /** Judges just-stored cases, in one hold of the write lock; a case never seen in flight costs nothing. */
  async judgeStored(states: readonly CaseState[], now = Date.now()): Promise<void> {
    const seenInFlight = states.filter((s) => s.updates.some((u) => isOpenCaseStatus(u.status)));
    if (seenInFlight.length === 0) return;
    await this.lock.run(async () => {
      for (const state of seenInFlight) await this.judge(state, now);
    });
  }

  /** The periodic check: judges every watched case as stored now. Answers how many cards it issued. */
  async check(now = Date.now()): Promise<number> {
    const ids = await this.cards.watched();
    let issued = 0;
    for (let start = 0; start < ids.length; start += CHECK_CHUNK)
      issued += await this.lock.run(async () => {
        let n = 0;
        for (const caseId of ids.slice(start, start + CHECK_CHUNK)) {
          const state = await this.cases.caseState(caseId);
          this.lock.check();
          if (state) n += await this.judge(state, now, true);
          else await this.cards.unwatch(caseId);
        }
        return n;
      });
    return issued;
  }

  /** Cards whose `at` is within the query's period (default: the 30 days before `to`, or now), by `at`. */
  async list(q: CardQuery): Promise<CardMessage[]> {
    const to = q.to === undefined ? Date.now() : Date.parse(q.to);
    const from = q.from === undefined ? to - CARD_DEFAULT_PERIOD_DAYS * DAY_MS : Date.parse(q.from);
    if (to < from) throw new BadRequestException(`to (${q.to}) is before from (${q.from})`);
    return this.cards.cardsBetween(from, to, q.halls, q.color);
  }

  /**
   * Issues the cards a case is due, publishes those not published yet, and watches the case while
   * it is in flight without a red card (nothing else can come to it); `watched`: whether it is
   * watched already (undefined: not known). Answers how many cards it issued.
   */
  private async judge(state: CaseState, now: number, watched?: boolean): Promise<number> {
    const { current, updates } = state;
    const info = this.site.info.get(current.windowId);
    const calendar = this.site.calendar(current.windowId);
    if (!info || !calendar) {
      this.log.warn(`case ${current.caseId}: window ${current.windowId} is no longer in the site file; no cards`);
      if (watched !== false) await this.cards.unwatch(current.caseId);
      return 0;
    }
    const stored = await this.cards.cardsOf(current.caseId);
    const issued = (Object.keys(stored) as CardColor[]).filter((c) => stored[c]);
    const due = dueCards({ deadline: current.deadline, updates, now, yellowBefore: this.site.yellowBefore, calendar, issued });
    const deadline = new Date(effectiveDeadline(current.deadline, caseTimeline(updates), now)).toISOString();
    for (const { color, at } of due) {
      const card: CardMessage = {
        caseId: current.caseId,
        color,
        at: new Date(at).toISOString(),
        issuedAt: new Date(now).toISOString(),
        deadline,
        windowId: current.windowId,
        hallId: info.hallId,
        department: info.department,
        serviceItem: current.serviceItem,
        status: current.status,
        ...(current.staffId ? { staffId: current.staffId } : {}),
        ...(current.stage ? { stage: current.stage } : {}),
      };
      this.lock.check();
      stored[color] = await this.cards.issue(card);
      this.log.log(`${color} card: case ${card.caseId} at window ${card.windowId} (hall ${card.hallId}), due ${card.deadline}`);
    }
    for (const s of Object.values(stored) as StoredCard[]) {
      if (s.published) continue;
      await this.jetstream.publish('cards', Subjects.supervisionCard, s.card, `card:${s.card.caseId}:${s.card.color}`);
      this.lock.check();
      await this.cards.markPublished(s.card);
    }
    this.lock.check();
    const watch = isOpenCaseStatus(current.status) && !stored.red;
    if (watch && watched !== true) await this.cards.watch(current.caseId);
    else if (!watch && watched !== false) await this.cards.unwatch(current.caseId);
    return due.length;
  }
}
