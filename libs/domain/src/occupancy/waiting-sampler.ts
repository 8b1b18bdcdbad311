/** A changed count is published at most this often per hall (a crowd moving in and out of a zone is not a message a second). */
export const WAITING_SAMPLE_GAP_MS = 10_000;
/** A steady count is published again this often, so a silent judge is told from a steady count. */
export const WAITING_SAMPLE_EVERY_MS = 60_000;
/** A sample stands at most this long (WAITING_SAMPLE_EVERY_MS and some slack): past it, nobody vouched for the count. */
export const WAITING_SAMPLE_STANDS_MS = 90_000;

/**
 * When a hall's persons waiting (null: not known) is published: its first count, a change
 * between known and unknown at once, another change at most every WAITING_SAMPLE_GAP_MS, and
 * the same count again every WAITING_SAMPLE_EVERY_MS.
 */
export class WaitingSampler {
  private readonly last = new Map<string, { at: number; waiting: number | null }>();

  /** Whether the hall's count `waiting` at `at` is to be published; if so it is taken as published. */
  due(hallId: string, at: number, waiting: number | null): boolean {
    const last = this.last.get(hallId);
    if (last && at <= last.at) return false; // redelivered or late: a sample's time only grows
    const due =
      !last ||
      (last.waiting === null) !== (waiting === null) ||
      (last.waiting !== waiting && at - last.at >= WAITING_SAMPLE_GAP_MS) ||
      at - last.at >= WAITING_SAMPLE_EVERY_MS;
    if (due) this.last.set(hallId, { at, waiting });
    return due;
  }

  /** The hall is judged here no more: its next judge starts afresh. */
  forget(hallId: string): void {
    this.last.delete(hallId);
  }
}
