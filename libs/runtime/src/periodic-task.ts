/**
 * Work run every `everyMs`, one run at a time (a run still going when the next is due is not
 * started twice), stopped by `stop`, which waits for the run in flight. What a run answers and
 * how it fails is the caller's to report.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly everyMs: number,
    private readonly run: () => Promise<T>,
    private readonly onDone: (result: T) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.run()
        .then(this.onDone, this.onError)
        .catch(() => undefined) // a report that throws must not stop the task
        .finally(() => (this.running = undefined));
    }, this.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
