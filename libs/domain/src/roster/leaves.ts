import { Interval, normalize } from '../intervals/intervals';
import type { IncidentKind } from '../model';
import { RosterEntry, rosterSlot, staffOnRoster } from './roster';
import { openIntervals } from '../schedule/schedule';

/** 请假 leave, 公出 official duty, 调班 shift swap: each excuses the staff member's absence from their seat. */
export const LEAVE_KINDS = ['leave', 'official-duty', 'shift-swap'] as const;
export type LeaveKind = (typeof LEAVE_KINDS)[number];

/** The incidents a leave can excuse: the seat was empty because its staff was away on leave. */
export const EXCUSABLE_KINDS: readonly IncidentKind[] = ['absence', 'late-opening'];

/** An approved leave or duty change of one staff member for [from, to). */
export interface Leave {
  id: string;
  staffId: string;
  kind: LeaveKind;
  from: number;
  to: number;
  /** Who takes the staff member's roster slots meanwhile; their seat is then not excused. */
  replacementStaffId?: string;
  /** The halls it excuses in (its submitter's); undefined: every hall. */
  halls?: readonly string[];
}

/** The leaves that may excuse a seat of hall `hallId`: a leave counts only in the halls of whoever submitted it. */
export function leavesInHall<L extends Pick<Leave, 'halls'>>(leaves: readonly L[], hallId: string): L[] {
  return leaves.filter((l) => !l.halls || l.halls.includes(hallId));
}

/**
 * The staff id in a roster entry's `staff`: `张三 (S001)` (or full-width `张三（S001）`) → `S001`;
 * an entry without parentheses is the id itself (`S001`).
 */
export function staffIdOf(rosterStaff: string): string {
  const named = /[(（]\s*([^()（）]+?)\s*[)）]\s*$/.exec(rosterStaff);
  return named ? named[1] : rosterStaff.trim();
}

const covers = (l: Leave, at: number) => l.from <= at && at < l.to;

/** The leave of `staffId` covering `at`, if any (the earliest registered wins: leaves are never changed). */
function leaveAt(leaves: readonly Leave[], staffId: string, at: number): Leave | undefined {
  return leaves.find((l) => l.staffId === staffId && covers(l, at));
}

/**
 * Staff on the roster of a window at `at` once leaves are applied: a rostered staff member on a
 * leave naming a replacement is replaced by the replacement's id for the leave's time.
 */
export function staffOnDuty(
  entries: readonly RosterEntry[],
  leaves: readonly Leave[],
  windowId: string,
  at: number,
  timeZone: string,
): string[] {
  const staff = staffOnRoster(entries, windowId, at, timeZone).map((s) => {
    const replacement = leaveAt(leaves, staffIdOf(s), at)?.replacementStaffId;
    return replacement ?? s;
  });
  return [...new Set(staff)];
}

/**
 * The leave that excuses a window's empty seat at `at`: every staff member on its roster then is
 * on approved leave, and neither has a replacement who is not on leave themselves (a replacement
 * takes the slot, so their absence is theirs). Undefined when nobody is rostered: an empty seat
 * nobody was expected in is no one's leave.
 */
export function excusingLeave(
  entries: readonly RosterEntry[],
  leaves: readonly Leave[],
  windowId: string,
  at: number,
  timeZone: string,
): Leave | undefined {
  const rostered = staffOnRoster(entries, windowId, at, timeZone);
  if (rostered.length === 0) return undefined;
  let first: Leave | undefined;
  for (const staff of rostered) {
    const own = leaveAt(leaves, staffIdOf(staff), at);
    // One step only: a replacement's own replacement is not followed.
    const excuse = own?.replacementStaffId === undefined ? own : leaveAt(leaves, own.replacementStaffId, at);
    if (!excuse || excuse.replacementStaffId !== undefined) return undefined;
    first ??= excuse;
  }
  return first;
}

/**
 * The parts of `range` in which a window's empty seat is excused (excusingLeave holds), as sorted
 * disjoint intervals. The answer can change only at a leave's or a roster slot's boundary, so it
 * is decided once per piece between them.
 */
export function excusedIntervals(
  entries: readonly RosterEntry[],
  leaves: readonly Leave[],
  windowId: string,
  range: Interval,
  timeZone: string,
): Interval[] {
  const relevant = leaves.filter((l) => l.from < range.end && l.to > range.start);
  if (relevant.length === 0 || range.end <= range.start) return [];
  const cuts = new Set<number>([range.start, range.end]);
  for (const l of relevant) for (const t of [l.from, l.to]) if (t > range.start && t < range.end) cuts.add(t);
  for (const e of entries)
    if (e.window === windowId)
      for (const i of openIntervals(rosterSlot(e), timeZone, range.start, range.end)) for (const t of [i.start, i.end]) cuts.add(t);
  const points = [...cuts].filter((t) => t >= range.start && t <= range.end).sort((a, b) => a - b);
  const out: Interval[] = [];
  for (let k = 0; k + 1 < points.length; k++)
    if (excusingLeave(entries, relevant, windowId, points[k], timeZone)) out.push({ start: points[k], end: points[k + 1] });
  return normalize(out);
}
