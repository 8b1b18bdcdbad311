import { Interval } from '../intervals/intervals';
import { parseDuration } from '../schedule/duration';
import { ScheduleSpec, workingDaysBefore } from '../schedule/schedule';

/**
 * A case's status (办件状态). In flight: 受理 accepted, 办理中 in-progress, 挂起 suspended (e.g.
 * waiting for the applicant's material: its time does not run against the deadline). Finished:
 * 办结 completed, 不予办理 refused (with a reason), and the outcomes the finished-case feed has
 * always sent, 不予受理 rejected, 退回补正 returned, 撤回 withdrawn. A case record without a
 * status is a completed case.
 */
export const CASE_STATUSES = ['accepted', 'in-progress', 'suspended', 'completed', 'refused', 'rejected', 'returned', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ['accepted', 'in-progress', 'suspended'];

export function isOpenCaseStatus(status: CaseStatus): boolean {
  return OPEN_CASE_STATUSES.includes(status);
}

/** One update of a case: the status it entered and when (epoch ms). */
export interface CaseUpdate {
  status: CaseStatus;
  at: number;
}

/**
 * Which update of a case is its current one when `next` arrives with `current` stored: the
 * newer by `at` (a tie: the one arriving later). Between two finished updates the later arrival
 * wins whatever its time, as a correction of the outcome (as finished cases always were).
 */
export function replacesCurrent(current: CaseUpdate, next: CaseUpdate): boolean {
  if (!isOpenCaseStatus(current.status) && !isOpenCaseStatus(next.status)) return true;
  return next.at >= current.at;
}

/** Updates in time order; of updates at the same time, the last received (in `updates`' order) stands. */
export function caseTimeline(updates: readonly CaseUpdate[]): CaseUpdate[] {
  const byAt = new Map<number, CaseUpdate>();
  for (const u of updates) byAt.set(u.at, u);
  return [...byAt.values()].sort((a, b) => a.at - b.at);
}

/** Periods the case was suspended, up to `now`: from each `suspended` update to the next update. */
export function suspensions(timeline: readonly CaseUpdate[], now: number): Interval[] {
  const out: Interval[] = [];
  timeline.forEach((u, i) => {
    if (u.status !== 'suspended') return;
    const end = Math.min(i + 1 < timeline.length ? timeline[i + 1].at : now, now);
    if (end > u.at) out.push({ start: u.at, end });
  });
  return out;
}

/**
 * The deadline as suspensions moved it: each suspension that began before the (moved) deadline
 * adds its length; one still going adds the time up to `now`, so a suspended case's deadline
 * never passes while it is suspended. A suspension that began after the deadline passed moves nothing.
 */
export function effectiveDeadline(deadline: number, timeline: readonly CaseUpdate[], now: number): number {
  let due = deadline;
  for (const s of suspensions(timeline, now)) if (s.start < due) due += s.end - s.start;
  return due;
}

/**
 * Whether the case was still open at instant `t`: the status of its latest update at or before
 * `t` is in flight; before its first update it was open if that update is (a case first heard of
 * when finished was never seen open).
 */
export function openAt(timeline: readonly CaseUpdate[], t: number): boolean {
  if (timeline.length === 0) return false;
  let last = timeline[0];
  for (const u of timeline) if (u.at <= t) last = u;
  return isOpenCaseStatus(last.status);
}

/** Site key `supervision.yellowBefore`: a duration (`4h`), or working days on the window's calendar (`1wd`). */
export type YellowBefore = { ms: number } | { workingDays: number };

export const DEFAULT_YELLOW_BEFORE = '1wd';

/** Reads `4h`, `90m`, `1d` (see parseDuration) or `1wd`, `3wd` (working days); throws a RangeError saying what is expected. */
export function parseYellowBefore(text: string): YellowBefore {
  const wd = /^(\d+)wd$/.exec(typeof text === 'string' ? text.trim() : '');
  if (wd) {
    const workingDays = Number(wd[1]);
    if (workingDays < 1 || workingDays > 365) throw new RangeError(`invalid yellowBefore "${text}": working days must be 1 to 365`);
    return { workingDays };
  }
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new RangeError(
      `invalid yellowBefore ${JSON.stringify(text)}: expected a duration such as "4h" or "1d12h", or working days such as "1wd"`,
    );
  }
  if (ms <= 0) throw new RangeError(`invalid yellowBefore "${text}": must be longer than 0s`);
  return { ms };
}

/** The working-day calendar of the case's window: its schedule (holidays and make-up days included) in the site's time zone. */
export interface CaseCalendar {
  schedule: ScheduleSpec;
  timeZone: string;
}

/** The instant `yellowBefore` before `deadline`: a plain duration back, or the same time of day that many working days before. */
export function yellowPoint(deadline: number, yellowBefore: YellowBefore, calendar: CaseCalendar): number {
  return 'ms' in yellowBefore
    ? deadline - yellowBefore.ms
    : workingDaysBefore(calendar.schedule, calendar.timeZone, deadline, yellowBefore.workingDays);
}

export const CARD_COLORS = ['yellow', 'red'] as const;
export type CardColor = (typeof CARD_COLORS)[number];

/** A card due: its color and the instant the case crossed the threshold (its yellow point, or its moved deadline). */
export interface DueCard {
  color: CardColor;
  at: number;
}

export interface CardInput {
  /** The promised time (承诺时限), before suspensions. */
  deadline: number;
  /** Every update received (caseTimeline orders them). */
  updates: readonly CaseUpdate[];
  now: number;
  yellowBefore: YellowBefore;
  calendar: CaseCalendar;
  /** Colors already issued for the case: never issued again. */
  issued: readonly CardColor[];
}

/**
 * The cards (红黄牌) a case is due at `now` that it does not have yet. A case seen in flight gets a
 * yellow card once it is still open at its yellow point, and a red card once it is still open
 * past its deadline (both moved by suspensions, see effectiveDeadline). Only cases with an update
 * in flight get cards; one found already past its deadline gets the red card only (a yellow
 * warning would come too late); a card issued stays whatever happens to the case later.
 */
export function dueCards(input: CardInput): DueCard[] {
  const timeline = caseTimeline(input.updates);
  if (!timeline.some((u) => isOpenCaseStatus(u.status))) return [];
  const due = effectiveDeadline(input.deadline, timeline, input.now);
  const out: DueCard[] = [];
  const red = !input.issued.includes('red') && input.now > due && openAt(timeline, due);
  if (red) out.push({ color: 'red', at: due });
  const yellowAt = yellowPoint(due, input.yellowBefore, input.calendar);
  const late = red || input.issued.includes('red');
  if (!late && !input.issued.includes('yellow') && input.now >= yellowAt && openAt(timeline, yellowAt))
    out.push({ color: 'yellow', at: yellowAt });
  return out;
}
