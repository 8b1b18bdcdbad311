import type { Decision, WriterRole } from '../provenance/write-rules';
import { workingDaysAfter } from '../schedule/schedule';
import type { CaseCalendar } from './cards';

/**
 * Rectification orders (督办单): the supervision bureau orders a window, department or hall to put
 * something right, the hall answers what it did, the bureau verifies it. Pure rules; reporting
 * stores the orders and applies these to the signed-in user (or the system) acting.
 */

/** What an order is issued from: a confirmed incident, a verified complaint, a card (`<caseId>:<color>`) or a case. */
export const RECTIFICATION_SOURCES = ['incident', 'complaint', 'card', 'case'] as const;
export type RectificationSource = (typeof RECTIFICATION_SOURCES)[number];

/**
 * issued: waiting for the hall; responded: the hall answered, waiting for the bureau; returned:
 * the bureau sent the answer back, waiting for the hall again; verified: accepted, done;
 * overdue: past its due time still waiting for the hall (issued or returned).
 */
export const RECTIFICATION_STATES = ['issued', 'responded', 'returned', 'verified', 'overdue'] as const;
export type RectificationState = (typeof RECTIFICATION_STATES)[number];

/** How urgent the order is: blue until due, yellow once past due, red once past due by its whole period again. */
export const RECTIFICATION_TIERS = ['blue', 'yellow', 'red'] as const;
export type RectificationTier = (typeof RECTIFICATION_TIERS)[number];

/** What a step of an order's history did. */
export const RECTIFICATION_ACTIONS = ['issued', 'responded', 'returned', 'verified', 'overdue', 'escalated'] as const;
export type RectificationAction = (typeof RECTIFICATION_ACTIONS)[number];

export const MAX_DUE_WORKING_DAYS = 60;

/** When an order falls due and when it turns red (epoch ms). */
export interface RectificationDue {
  dueAt: number;
  redAt: number;
}

/**
 * An order issued at `issuedAt` due in `dueWorkingDays`: due at the same time of day that many
 * working days later on the calendar (holidays skipped, make-up days counted); red once as many
 * working days again pass after that unverified.
 */
export function rectificationDue(issuedAt: number, dueWorkingDays: number, calendar: CaseCalendar): RectificationDue {
  if (!Number.isInteger(dueWorkingDays) || dueWorkingDays < 1 || dueWorkingDays > MAX_DUE_WORKING_DAYS)
    throw new RangeError(`dueWorkingDays must be a whole number from 1 to ${MAX_DUE_WORKING_DAYS}, got ${dueWorkingDays}`);
  const dueAt = workingDaysAfter(calendar.schedule, calendar.timeZone, issuedAt, dueWorkingDays);
  return { dueAt, redAt: workingDaysAfter(calendar.schedule, calendar.timeZone, dueAt, dueWorkingDays) };
}

/** The tier at `now`, or at its verification once verified (a late order keeps the tier it reached). */
export function rectificationTier(due: RectificationDue, now: number, verifiedAt?: number): RectificationTier {
  const end = verifiedAt ?? now;
  if (end > due.redAt) return 'red';
  if (end > due.dueAt) return 'yellow';
  return 'blue';
}

/** Whether an order was verified by its due time. */
export function verifiedInTime(due: RectificationDue, verifiedAt: number | undefined): boolean {
  return verifiedAt !== undefined && verifiedAt <= due.dueAt;
}

const BUREAU: readonly WriterRole[] = ['admin', 'supervisor'];

/** Why `role` may not issue an order (undefined: it may): the bureau issues them, the system for bad ratings. */
export function rectificationIssueRefusal(role: WriterRole): string | undefined {
  return BUREAU.includes(role) || role === 'system' ? undefined : 'only a supervisor or admin may issue a rectification order';
}

/**
 * The state a hall's response moves an order to: only a hall manager of the order's halls
 * answers (`ownHall`: whether it is one of theirs), and only while the order waits for the hall.
 */
export function respondTransition(role: WriterRole, ownHall: boolean, state: RectificationState): Decision<RectificationState> {
  if (role !== 'hall_manager') return { ok: false, code: 403, reason: 'only the hall manager of the order responds to it' };
  if (!ownHall) return { ok: false, code: 403, reason: 'the order is for another hall' };
  if (state !== 'issued' && state !== 'returned' && state !== 'overdue')
    return { ok: false, code: 409, reason: `the order is ${state}: only an issued, returned or overdue order can be responded to` };
  return { ok: true, value: 'responded' };
}

/** The state the bureau's verification moves a responded order to: verified when accepted, returned otherwise. */
export function verifyTransition(role: WriterRole, state: RectificationState, accepted: boolean): Decision<RectificationState> {
  if (!BUREAU.includes(role)) return { ok: false, code: 403, reason: 'only a supervisor or admin may verify a rectification order' };
  if (state !== 'responded') return { ok: false, code: 409, reason: `the order is ${state}: only a responded order can be verified` };
  return { ok: true, value: accepted ? 'verified' : 'returned' };
}

/** What the periodic check records on an order: its new state and tier, when either changes. */
export interface RectificationCheck {
  state: RectificationState;
  tier: RectificationTier;
  /** The history's new steps, in order: `overdue` when it turned overdue, `escalated` when its tier rose. */
  actions: ('overdue' | 'escalated')[];
}

/**
 * The periodic check of an order at `now`: one waiting for the hall (issued, returned) past its
 * due time turns overdue; an unverified order's tier rises as time passes (a responded order
 * too: the hall's answer came, the matter is not settled). Undefined when nothing changes.
 */
export function checkRectification(
  order: { state: RectificationState; tier: RectificationTier } & RectificationDue,
  now: number,
): RectificationCheck | undefined {
  if (order.state === 'verified') return undefined;
  const actions: RectificationCheck['actions'] = [];
  let state = order.state;
  if ((state === 'issued' || state === 'returned') && now > order.dueAt) {
    state = 'overdue';
    actions.push('overdue');
  }
  const tier = rectificationTier(order, now);
  if (RECTIFICATION_TIERS.indexOf(tier) > RECTIFICATION_TIERS.indexOf(order.tier)) actions.push('escalated');
  else if (actions.length === 0) return undefined;
  return { state, tier: actions.includes('escalated') ? tier : order.tier, actions };
}

/** Ratings of 1 to 5: at or below `badRating` a case opens an order of its own; 4 and 5 count as 好评. */
export const GOOD_RATING_FROM = 4;
export const DEFAULT_BAD_RATING = 2;
export const DEFAULT_BAD_RATING_DUE_WORKING_DAYS = 5;

export function isBadRating(satisfaction: number | undefined, badRating: number): boolean {
  return satisfaction !== undefined && satisfaction <= badRating;
}
