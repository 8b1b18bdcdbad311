/**
 * One serial backlog per hall: a hall's steps run one at a time in order, while halls go on
 * side by side (a slow or failed hall holds nobody else).
 */
export class HallBacklogs {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after everything already waiting for `hallId`; resolves or rejects with it. */
  run<T>(hallId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(hallId) ?? Promise.resolve()).then(work);
    const tail = run.catch(() => undefined);
    this.tails.set(hallId, tail);
    // Forget an idle hall's backlog so a hall given up leaves nothing behind.
    void tail.then(() => this.tails.get(hallId) === tail && this.tails.delete(hallId));
    return run;
  }
}
