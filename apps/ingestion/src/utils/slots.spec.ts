import { Slots } from './slots';

describe('Slots', () => {
  it('runs at most `size` pieces of work at once, the rest in the order they came', async () => {
    const slots = new Slots(2);
    const started: number[] = [];
    const finish: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const work = (n: number) =>
      slots.run(async () => {
        started.push(n);
        most = Math.max(most, ++running);
        await new Promise<void>((r) => finish.push(r));
        running--;
        return n;
      });
    const results = [1, 2, 3, 4, 5].map(work);
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(started).toEqual([1, 2]);
    finish.shift()!();
    await tick();
    expect(started).toEqual([1, 2, 3]);
    while (finish.length > 0) {
      finish.shift()!();
      await tick();
    }
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot of work that fails', async () => {
    const slots = new Slots(1);
    await expect(slots.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(slots.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('refuses a size below one', () => {
    expect(() => new Slots(0)).toThrow('slots: size must be at least 1, not 0');
  });
});
