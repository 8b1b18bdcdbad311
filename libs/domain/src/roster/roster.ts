import { isOpen, ScheduleSpec, validateSchedule, Weekday } from '../schedule/schedule';
import { dateOfDay, localDay } from '../schedule/time-zone';

/** Who staffs a window in a slot: on `weekdays` and/or `dates`, from `from` to `to` local time. */
export interface RosterEntry {
  window: string;
  /** Staff id and/or name, as the hall records it. */
  staff: string;
  /** Days of the week the slot recurs on. Without weekdays and dates: every day. */
  weekdays?: Weekday[];
  /** 'YYYY-MM-DD' dates of the slot (e.g. a swapped shift); where one covers a moment, dated entries win. */
  dates?: string[];
  /** "HH:MM"; `to` may be "24:00". */
  from: string;
  to: string;
}

const EVERY_DAY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** A slot is a one-interval schedule: its days are weekdays plus make-up dates. */
function slot(entry: RosterEntry): ScheduleSpec {
  return {
    weekdays: entry.weekdays ?? (entry.dates ? [] : EVERY_DAY),
    open: [`${entry.from}-${entry.to}`],
    makeupWorkdays: entry.dates ?? [],
  };
}

/** Every problem with an entry's days and times, naming the field and value; [] when valid. */
export function validateRosterEntry(entry: RosterEntry): string[] {
  return validateSchedule(slot(entry)).map((issue) =>
    issue
      .replace(/^open\[0\]: "([^"]*)"/, 'from/to: "$1"')
      .replace(/^open\[0\]/, 'from/to')
      .replace(/^makeupWorkdays/, 'dates'),
  );
}

/**
 * Staff on the roster of `windowId` at instant `at` (entries for that date take precedence over
 * recurring ones), in roster order; [] when nobody is rostered.
 */
export function staffOnRoster(entries: readonly RosterEntry[], windowId: string, at: number, timeZone: string): string[] {
  const on = entries.filter((e) => e.window === windowId && isOpen(slot(e), timeZone, at));
  const today = dateOfDay(localDay(timeZone, at));
  const dated = on.filter((e) => e.dates?.includes(today));
  return [...new Set((dated.length > 0 ? dated : on).map((e) => e.staff))];
}

/**
 * The staff id of a roster entry's `staff`: `S001` is the id itself, `张三 (S001)` (also with
 * full-width brackets) names it in brackets at the end; leaves, queue events and complaints carry the id.
 */
export function staffIdOf(rosterStaff: string): string {
  const named = /[(（]\s*([^()（）\s]+)\s*[)）]\s*$/.exec(rosterStaff);
  return named ? named[1] : rosterStaff.trim();
}
