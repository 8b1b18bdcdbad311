import { Interval, clip, intersect, normalize, totalDuration } from '../intervals/intervals';
import { localDay, localToEpoch } from '../schedule/time-zone';

/**
 * 暂离: a window declared temporarily away for [from, to), by a hall manager or the queue system
 * (a pause with a reason). An absence inside it is declared, not an incident; past it the absence
 * rules count from its end (`countedSince`).
 */
export interface AwayDeclaration {
  windowId: string;
  from: number;
  to: number;
}

/** The limits of declared absences (site keys rules.awayMax and rules.awayPerDayMax), in ms. */
export interface AwayLimits {
  /** One declaration at most this long (default 15 min). */
  awayMax: number;
  /** A window's declarations of one local day at most this long together (default 60 min). */
  awayPerDayMax: number;
}

/**
 * Where an absence that began at `since` starts counting at `at`: the end of the last
 * declaration that began by `at` and did not end before the absence began, else `since`.
 * Inside a declaration that end is still ahead, so no threshold is reached.
 */
export function countedSince(declarations: readonly AwayDeclaration[], since: number, at: number): number {
  let start = since;
  for (const d of declarations) if (d.from <= at && d.to > since) start = Math.max(start, d.to);
  return start;
}

/**
 * Why `declaration` may not be made next to the window's `earlier` ones (any windows, any days:
 * only that window's local day counts), naming the limit; undefined when it may.
 */
export function awayRefusal(
  earlier: readonly AwayDeclaration[],
  declaration: AwayDeclaration,
  limits: AwayLimits,
  timeZone: string,
): string | undefined {
  const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;
  const length = declaration.to - declaration.from;
  if (!(length > 0)) return 'minutes must be more than 0';
  if (length > limits.awayMax) return `minutes ${minutes(length)} exceed rules.awayMax (${minutes(limits.awayMax)} min)`;
  const day = localDay(timeZone, declaration.from);
  const range = { start: localToEpoch(timeZone, day, 0), end: localToEpoch(timeZone, day, 1440) };
  const used = declaredTime(
    earlier.filter((d) => d.windowId === declaration.windowId),
    range,
  );
  const total = totalDuration(normalize([...used, ...clip([{ start: declaration.from, end: declaration.to }], range)]));
  if (total > limits.awayPerDayMax)
    return `window ${declaration.windowId} would be away ${minutes(total)} min today, over rules.awayPerDayMax (${minutes(limits.awayPerDayMax)} min; ${minutes(totalDuration(used))} min declared already)`;
  return undefined;
}

/** The declared time of some declarations within `range`, as sorted disjoint intervals. */
export function declaredTime(declarations: readonly AwayDeclaration[], range: Interval): Interval[] {
  return normalize(
    clip(
      declarations.map((d) => ({ start: d.from, end: d.to })),
      range,
    ),
  );
}

/** The part of a window's absent time within `range` that its declarations cover: declared, not an incident's (declaredAwayMinutes). */
export function declaredAbsence(absent: readonly Interval[], declarations: readonly AwayDeclaration[], range: Interval): Interval[] {
  return intersect(normalize(clip(absent, range)), declaredTime(declarations, range));
}
