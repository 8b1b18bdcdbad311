import { ScheduleBoundary, ScheduleSpec, nextBoundary } from './schedule';

const YEAR = 365 * 86_400_000;

/**
 * Remembers the next schedule boundary per key, because state machines ask for it on every
 * input and it only changes once the boundary is passed. Derived from the schedule alone,
 * so it is rebuilt after a restore rather than snapshotted.
 */
export class BoundaryCache {
  private readonly entries = new Map<string, { after: number; next: ScheduleBoundary | null }>();

  constructor(private readonly timeZone: string) {}

  /** Same as nextBoundary(spec, timeZone, after). */
  next(key: string, spec: ScheduleSpec, after: number): ScheduleBoundary | null {
    const cached = this.entries.get(key);
    if (cached && cached.after <= after && (cached.next ? after < cached.next.at : after < cached.after + YEAR)) return cached.next;
    const next = nextBoundary(spec, this.timeZone, after);
    this.entries.set(key, { after, next });
    return next;
  }
}
