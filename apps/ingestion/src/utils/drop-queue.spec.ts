import { DropQueue } from './drop-queue';

describe('DropQueue', () => {
  it('is first in, first out', () => {
    const q = new DropQueue<number>(3);
    q.push(1);
    q.push(2);
    expect([q.shift(), q.shift(), q.shift()]).toEqual([1, 2, undefined]);
  });

  it('drops the oldest item when full and counts it', () => {
    const q = new DropQueue<number>(2);
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(q.length).toBe(2);
    expect(q.dropped).toBe(3);
    expect([q.shift(), q.shift()]).toEqual([4, 5]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new DropQueue(0)).toThrow(/capacity/);
  });
});
