/** Anything stamped with its capture time. */
export interface Captured {
  capturedAt: number;
}

/**
 * Per-camera backlogs: a camera's frames are handled one at a time in capture order while
 * cameras proceed side by side. A backlog longer than `limit` drops its oldest waiting frame
 * (memory stays bounded when the detector cannot keep up; the capture times that remain still
 * tell the truth).
 */
export class FrameBacklog<T extends Captured> {
  private readonly waiting = new Map<string, T[]>();
  private readonly busy = new Set<string>();
  private readonly inHand = new Map<string, T>();

  constructor(
    private readonly handle: (key: string, item: T) => Promise<void>,
    private readonly limit: number,
    private readonly onDrop: (key: string, item: T) => void,
    private readonly onError: (key: string, item: T, err: unknown) => void,
  ) {}

  push(key: string, item: T): void {
    const backlog = this.waiting.get(key) ?? [];
    backlog.push(item);
    if (backlog.length > this.limit) this.onDrop(key, backlog.shift() as T);
    this.waiting.set(key, backlog);
    if (!this.busy.has(key)) void this.drain(key);
  }

  /** Capture time of the oldest item of `key` received but not yet handled (including the one in hand). */
  oldestWaiting(key: string): number | undefined {
    return this.inHand.get(key)?.capturedAt ?? this.waiting.get(key)?.[0]?.capturedAt;
  }

  private async drain(key: string): Promise<void> {
    this.busy.add(key);
    const backlog = this.waiting.get(key) as T[];
    for (let item = backlog.shift(); item; item = backlog.shift()) {
      this.inHand.set(key, item);
      try {
        await this.handle(key, item);
      } catch (err) {
        this.onError(key, item, err); // one bad frame must not stall its camera
      } finally {
        this.inHand.delete(key);
      }
    }
    this.busy.delete(key);
  }
}
