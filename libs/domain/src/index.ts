/**
 * @hallwatch/domain — pure domain logic for Hallwatch: no Nest, no I/O, no clock.
 * Every time is epoch milliseconds passed in by the caller, taken from frames' capture times.
 *
 * - intervals: half-open [start, end) interval arithmetic and `attendance` (scheduled,
 *   staffed, unknown and absent time of a window for any period).
 * - schedule: `ScheduleSpec` validation, `openIntervals`, `isOpen`, `nextBoundary` in an
 *   IANA time zone (default Asia/Shanghai), and `parseDuration` ("1h30m" -> ms).
 */
export * from './intervals/intervals';
export * from './schedule/schedule';
export { parseDuration } from './schedule/duration';
export { assertTimeZone } from './schedule/time-zone';
export * from './model';
export * from './presence/presence-tracker';
export { presenceIntervals } from './presence/timeline';
