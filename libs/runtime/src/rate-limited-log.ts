/**
 * A warning that can repeat for every frame or message (a detector that falls behind, a camera
 * with a wrong clock) is written at most once per `everyMs` for each key, saying how many like it
 * were left out since; the log stays readable and bounded however long the condition lasts.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; left: number }>();

  constructor(
    private readonly write: (message: string) => void,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes `message` unless one of `key` was written less than `everyMs` ago. */
  warn(key: string, message: string): void {
    const now = this.now();
    const last = this.last.get(key);
    if (last && now - last.at < this.everyMs) {
      last.left++;
      return;
    }
    const left = last?.left ? ` (${last.left} more like it left out since ${new Date(last.at).toISOString()})` : '';
    this.last.set(key, { at: now, left: 0 });
    this.write(`${message}${left}`);
  }

  /** Forgets the keys for which `drop` is true (e.g. those of a camera no longer followed). */
  forget(drop: (key: string) => boolean): void {
    for (const key of [...this.last.keys()]) if (drop(key)) this.last.delete(key);
  }
}
