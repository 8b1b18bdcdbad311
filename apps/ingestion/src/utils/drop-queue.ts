/**
 * A FIFO of at most `capacity` items: pushing onto a full queue drops the oldest item and counts
 * it, so a slow or disconnected consumer costs a fixed amount of memory and the freshest frames win.
 */
export class DropQueue<T> {
  private items: T[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`DropQueue: capacity must be at least 1, not ${capacity}`);
  }

  push(item: T): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  get length(): number {
    return this.items.length;
  }
}
