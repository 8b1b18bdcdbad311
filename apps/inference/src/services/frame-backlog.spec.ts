import { FrameBacklog } from './frame-backlog';

const frame = (capturedAt: number) => ({ capturedAt });
const fail = () => {
  throw new Error('unexpected');
};
const tick = () => new Promise((r) => setImmediate(r));
/** Lets the backlog run until `done` holds (or fails the test after many turns). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await tick();
  expect(done()).toBe(true);
}

describe('FrameBacklog', () => {
  it('handles a camera one frame at a time, in order, and cameras side by side', async () => {
    const started: string[] = [];
    const release: (() => void)[] = [];
    const backlog = new FrameBacklog<{ capturedAt: number }>(
      async (key, item) => {
        started.push(`${key}@${item.capturedAt}`);
        await new Promise<void>((r) => release.push(r));
      },
      10,
      fail,
      fail,
    );
    backlog.push('a', frame(1));
    backlog.push('a', frame(2));
    backlog.push('b', frame(5));
    await tick();
    expect(started).toEqual(['a@1', 'b@5']);
    expect(backlog.oldestWaiting('a')).toBe(1);
    expect(backlog.oldestWaiting('b')).toBe(5);
    release.shift()!();
    await tick();
    expect(started).toEqual(['a@1', 'b@5', 'a@2']);
    expect(backlog.oldestWaiting('a')).toBe(2);
    release.splice(0).forEach((r) => r());
    await until(() => backlog.oldestWaiting('a') === undefined && backlog.oldestWaiting('b') === undefined);
  });

  it('drops the oldest waiting frame beyond the limit and keeps going after a failure', async () => {
    const handled: number[] = [];
    const dropped: number[] = [];
    const failed: number[] = [];
    let gate!: () => void;
    const opened = new Promise<void>((r) => (gate = r));
    const backlog = new FrameBacklog<{ capturedAt: number }>(
      async (_, item) => {
        await opened;
        if (item.capturedAt === 4) throw new Error('bad frame');
        handled.push(item.capturedAt);
      },
      2,
      (_, item) => dropped.push(item.capturedAt),
      (_, item) => failed.push(item.capturedAt),
    );
    backlog.push('a', frame(1)); // in hand
    await tick();
    [2, 3, 4, 5, 6].forEach((t) => backlog.push('a', frame(t)));
    gate();
    await until(() => handled.length === 3);
    expect(dropped).toEqual([2, 3, 4]);
    expect(failed).toEqual([]);
    expect(handled).toEqual([1, 5, 6]);
    backlog.push('a', frame(4));
    backlog.push('a', frame(7));
    await until(() => handled.length === 4);
    expect(failed).toEqual([4]);
    expect(handled).toEqual([1, 5, 6, 7]);
  });
});
