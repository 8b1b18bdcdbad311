import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import {
  RECTIFICATION_LIST_LIMIT,
  RectificationIssueRequest,
  RectificationPhoto,
  RectificationPhotoImage,
  RectificationPhotoRef,
  RectificationQuery,
  RectificationRecord,
  RectificationRef,
  RectificationRespondRequest,
  RectificationSourceRef,
  RectificationStep,
  RectificationTarget,
  RectificationVerifyRequest,
  rectificationSteps,
  Subjects,
  SYSTEM_WRITERS,
  Writer,
} from '@hallwatch/contracts';
import {
  CARD_COLORS,
  checkRectification,
  isBadRating,
  photoType,
  sha256Hex,
  rectificationDue,
  rectificationIssueRefusal,
  respondTransition,
  verifyTransition,
  type CaseCalendar,
  type CardColor,
  type Decision,
  type RectificationState,
} from '@hallwatch/domain';
import { CardsRepository } from '../repositories/cards.repository';
import { CasesRepository, CaseState } from '../repositories/cases.repository';
import { ComplaintsRepository } from '../repositories/complaints.repository';
import { IncidentsRepository } from '../repositories/incidents.repository';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { RectificationsRepository } from '../repositories/rectifications.repository';
import { RectificationPhotosRepository } from '../repositories/rectification-photos.repository';
import { SiteWindows } from './site-windows';

/** The id of the order a bad rating of `caseId` opens: one per case, however often the case arrives. */
export const ratingOrderId = (caseId: string) => `rating:${caseId}`;

/**
 * Rectification orders (督办单): issued by the bureau from a confirmed incident, a verified
 * complaint, a card or a case, or by reporting itself for a bad rating; answered by the hall
 * manager, verified or sent back by the bureau; overdue and escalated by the periodic check. Each
 * step is appended to the order's history (who, when, what) in the same write that changes it, and
 * then published on hallwatch.rectification.<orderId>.<action>.
 */
@Injectable()
export class RectificationsService {
  private readonly log = new Logger(RectificationsService.name);

  constructor(
    private readonly site: SiteWindows,
    private readonly orders: RectificationsRepository,
    private readonly photos: RectificationPhotosRepository,
    private readonly incidents: IncidentsRepository,
    private readonly complaints: ComplaintsRepository,
    private readonly cards: CardsRepository,
    private readonly cases: CasesRepository,
    private readonly jetstream: JetStreamRepository,
  ) {}

  async issue(request: RectificationIssueRequest, now = Date.now()): Promise<RectificationRecord> {
    const refusal = rectificationIssueRefusal(request.by.role);
    if (refusal) throw new ForbiddenException(refusal);
    const problem = await this.sourceProblem(request.source);
    if (problem) throw new BadRequestException(`source: ${problem}`);
    const source = { kind: request.source.kind, id: request.source.id };
    const order = await this.orders.insert(
      this.newOrder(randomUUID(), source, request.to, request.dueWorkingDays, request.instructions, request.by, now),
    );
    await this.publish(order, 0);
    return order;
  }

  /**
   * Opens the order of each just-stored case rated supervision.badRating or lower, for its
   * window, due in supervision.badRatingDueWorkingDays; once per case. It names the case, never the rater.
   */
  async followUpRatings(states: readonly CaseState[], now = Date.now()): Promise<void> {
    const bad = states.map((s) => s.current).filter((c) => isBadRating(c.satisfaction, this.site.badRating) && this.site.has(c.windowId));
    // A batch of cases is one look-up and one write, not one per case: an import of 40,000 rows has thousands of bad ratings.
    const stored = await this.orders.storedIds(bad.map((c) => ratingOrderId(c.caseId)));
    const orders = bad
      .filter((c) => !stored.has(ratingOrderId(c.caseId)))
      .map((c) =>
        this.newOrder(
          ratingOrderId(c.caseId),
          { kind: 'case', id: c.caseId },
          { window: c.windowId },
          this.site.badRatingDueWorkingDays,
          `差评回访: case ${c.caseId} (${c.serviceItem}) was rated ${c.satisfaction} of 5; call the rater back and put right what they rated`,
          SYSTEM_WRITERS.reporting,
          now,
        ),
      );
    await this.orders.insertNew(orders);
    // A hundred at a time: an import's thousands of orders are not published one round trip after another.
    for (let i = 0; i < orders.length; i += 100) await Promise.all(orders.slice(i, i + 100).map((o) => this.publish(o, 0)));
    if (orders.length === 1) this.log.log(`rectification order ${orders[0].id}: a bad rating, due ${orders[0].dueAt}`);
    else if (orders.length > 1) this.log.log(`rectification orders: ${orders.length} opened for bad ratings`);
  }

  async respond(request: RectificationRespondRequest, now = Date.now()): Promise<RectificationRecord> {
    const order = await this.get({ id: request.id, halls: request.halls });
    const rating = order.id === ratingOrderId(order.source.id) && order.source.kind === 'case';
    if (rating && !request.callBack)
      throw new BadRequestException('callBack: the order a bad rating opened needs the call-back to the rater {at, reached, outcome}');
    const ownHall = !request.halls || order.halls.some((h) => request.halls!.includes(h));
    const decision = respondTransition(request.by.role, ownHall, order.state);
    const callBack = request.callBack && {
      at: new Date(request.callBack.at).toISOString(),
      by: request.by.username,
      reached: request.callBack.reached,
      outcome: request.callBack.outcome,
    };
    let photo: RectificationPhoto | undefined;
    if (request.photo !== undefined) {
      const bytes = Buffer.from(request.photo, 'base64');
      const type = photoType(bytes);
      if (typeof type === 'string') throw new BadRequestException(type);
      const n = order.history.filter((s) => s.photo).length + 1;
      photo = { n, contentType: type.type, sha256: sha256Hex(bytes), bytes: bytes.length };
      // Stored only for a response that may be made (step refuses the others).
      if (decision.ok) await this.photos.put(order.id, photo.sha256, photo.contentType, bytes);
    }
    return this.step(order, decision, now, (state) => ({
      step: {
        action: 'responded',
        by: request.by.username,
        state,
        text: request.text,
        ...(callBack && { callBack }),
        ...(photo && { photo }),
      },
      ...(callBack && { callBack }),
    }));
  }

  async verify(request: RectificationVerifyRequest, now = Date.now()): Promise<RectificationRecord> {
    const order = await this.get({ id: request.id });
    const decision = verifyTransition(request.by.role, order.state, request.accepted);
    return this.step(order, decision, now, (state) => ({
      step: { action: state === 'verified' ? 'verified' : 'returned', by: request.by.username, state, reason: request.reason },
      ...(state === 'verified' && { verifiedAt: new Date(now).toISOString() }),
    }));
  }

  async get(ref: RectificationRef): Promise<RectificationRecord> {
    const order = await this.orders.order(ref.id);
    if (!order) throw new NotFoundException(`no rectification order "${ref.id}"`);
    if (ref.halls && !order.halls.some((h) => ref.halls!.includes(h)))
      throw new ForbiddenException(`rectification order "${ref.id}" is for another hall`);
    return order;
  }

  /** Photo n of an order of the caller's halls; each view recorded (who, when) before it is answered. */
  async photo(ref: RectificationPhotoRef, now = Date.now()): Promise<RectificationPhotoImage> {
    const order = await this.get({ id: ref.id, halls: ref.halls });
    const photo = order.history.find((s) => s.photo?.n === ref.n)?.photo;
    const bytes = photo && (await this.photos.get(order.id, photo.sha256));
    if (!photo || !bytes) throw new NotFoundException(`rectification order "${ref.id}" has no photo ${ref.n}`);
    await this.photos.recordView({ orderId: order.id, n: ref.n, by: ref.by, at: new Date(now) });
    return { contentType: photo.contentType, data: bytes.toString('base64') };
  }

  list(q: RectificationQuery): Promise<RectificationRecord[]> {
    return this.orders.list(q, RECTIFICATION_LIST_LIMIT);
  }

  /**
   * The periodic check (RectificationCheckHandler): every unverified order past its due time
   * waiting for the hall turns overdue, and its tier rises as its due and red points pass; each
   * change a history step by the system. Answers how many orders changed.
   */
  async check(now = Date.now(), onOverdue?: (order: RectificationRecord, at: string) => Promise<void>): Promise<number> {
    let changed = 0;
    for (const order of await this.orders.unverified()) {
      const due = { dueAt: Date.parse(order.dueAt), redAt: Date.parse(order.redAt) };
      const next = checkRectification({ ...due, state: order.state, tier: order.tier }, now);
      if (!next) continue;
      const at = new Date(now).toISOString();
      const by = SYSTEM_WRITERS.reporting.username;
      const steps: RectificationStep[] = next.actions.map((action) => ({ action, by, at, state: next.state, tier: next.tier }));
      const updated = { ...order, state: next.state, tier: next.tier, version: order.version + 1, history: [...order.history, ...steps] };
      // Told before it is saved: a crash in between tells again at the next check (the receivers dedupe).
      if (onOverdue && next.actions.includes('overdue')) await onOverdue(updated, at);
      // Written meanwhile (a response, say): judged again at the next check.
      if (await this.orders.save(updated, order.version)) {
        changed += 1;
        await this.publish(updated, order.history.length);
        this.log.log(`rectification order ${order.id}: ${next.actions.join(', ')} (${next.state}, ${next.tier})`);
      }
    }
    return changed;
  }

  private newOrder(
    id: string,
    source: RectificationSourceRef,
    to: RectificationTarget,
    dueWorkingDays: number,
    instructions: string,
    by: Writer,
    now: number,
  ): RectificationRecord {
    const target = this.target(to);
    const due = rectificationDue(now, dueWorkingDays, target.calendar);
    const at = new Date(now).toISOString();
    return {
      id,
      source,
      to: target.to,
      halls: target.halls,
      dueWorkingDays,
      instructions,
      state: 'issued',
      tier: 'blue',
      issuedBy: by.username,
      issuedAt: at,
      dueAt: new Date(due.dueAt).toISOString(),
      redAt: new Date(due.redAt).toISOString(),
      version: 1,
      history: [{ action: 'issued', by: by.username, at, state: 'issued', tier: 'blue', reason: instructions }],
    };
  }

  /** The one window, department or hall `to` names, with its halls and calendar; 400 naming what is wrong. */
  private target(to: RectificationTarget): { to: RectificationTarget; halls: string[]; calendar: CaseCalendar } {
    const given = (['window', 'department', 'hall'] as const).filter((k) => to[k] !== undefined);
    if (given.length !== 1)
      throw new BadRequestException(`to: name exactly one of window, department or hall (got ${given.length ? given.join(', ') : 'none'})`);
    if (to.window !== undefined) {
      const info = this.site.info.get(to.window);
      const calendar = this.site.calendar(to.window);
      if (!info || !calendar) throw new BadRequestException(`to.window: no window "${to.window}" in the site file`);
      return { to: { window: to.window }, halls: [info.hallId], calendar };
    }
    if (to.department !== undefined) {
      const windows = this.site.windowsOfDepartment(to.department);
      const calendar = windows.length ? this.site.calendar(windows[0]) : undefined;
      if (!calendar) throw new BadRequestException(`to.department: no window of department "${to.department}" in the site file`);
      const halls = [...new Set(windows.map((w) => this.site.info.get(w)!.hallId))];
      return { to: { department: to.department }, halls, calendar };
    }
    const calendar = this.site.hallCalendar(to.hall!);
    if (!calendar) throw new BadRequestException(`to.hall: no hall "${to.hall}" in the site file`);
    return { to: { hall: to.hall }, halls: [to.hall!], calendar };
  }

  /** Why the source may not have an order (unknown, or not confirmed / verified); undefined: it may. */
  private async sourceProblem(source: RectificationSourceRef): Promise<string | undefined> {
    switch (source.kind) {
      case 'incident': {
        const incident = await this.incidents.incident(source.id);
        if (!incident) return `no incident "${source.id}"`;
        return incident.review === 'confirmed' ? undefined : `incident "${source.id}" is not confirmed`;
      }
      case 'complaint': {
        const complaint = await this.complaints.complaint(source.id);
        if (!complaint) return `no complaint "${source.id}"`;
        return complaint.verified === true ? undefined : `complaint "${source.id}" is not verified`;
      }
      case 'card': {
        const cut = source.id.lastIndexOf(':');
        const color = source.id.slice(cut + 1) as CardColor;
        if (cut < 1 || !CARD_COLORS.includes(color)) return `a card's id is <caseId>:yellow or <caseId>:red, not "${source.id}"`;
        const cards = await this.cards.cardsOf(source.id.slice(0, cut));
        return cards[color] ? undefined : `no card "${source.id}"`;
      }
      case 'case':
        return (await this.cases.caseState(source.id)) ? undefined : `no case "${source.id}"`;
    }
  }

  /** Applies a decided step: appends it (with its time and tier) and writes it conditionally; 403/409 when refused or raced. */
  private async step(
    order: RectificationRecord,
    decision: Decision<RectificationState>,
    now: number,
    change: (state: RectificationState) => { step: Omit<RectificationStep, 'at' | 'tier'> } & Partial<RectificationRecord>,
  ): Promise<RectificationRecord> {
    if (!decision.ok) {
      const reason = `rectification order "${order.id}": ${decision.reason}`;
      throw decision.code === 403 ? new ForbiddenException(reason) : new ConflictException(reason);
    }
    const { step, ...fields } = change(decision.value);
    const next: RectificationRecord = {
      ...order,
      ...fields,
      state: decision.value,
      version: order.version + 1,
      history: [...order.history, { ...step, at: new Date(now).toISOString(), tier: order.tier }],
    };
    if (!(await this.orders.save(next, order.version)))
      throw new ConflictException(`rectification order "${order.id}" changed meanwhile: read it again`);
    await this.publish(next, order.history.length);
    return next;
  }

  /**
   * Publishes the steps of `order` after its first `known`, once saved. A failure is logged, not
   * answered: the step is stored, and a step published twice is one message (its id names it).
   */
  private async publish(order: RectificationRecord, known: number): Promise<void> {
    for (const step of rectificationSteps(order, known)) {
      await this.jetstream
        .publish('rectifications', Subjects.rectification(step.orderId, step.action), step, `rectification:${step.orderId}:${step.step}`)
        .catch((err: Error) =>
          this.log.error(`rectification order ${step.orderId}: step ${step.step} (${step.action}) not published: ${err.message}`),
        );
    }
  }
}
