import { HallQueues } from './hall-queues';

describe('HallQueues', () => {
  it("runs a hall's work in order, one at a time, while a stuck hall holds no other", async () => {
    const queues = new HallQueues();
    const done: string[] = [];
    let unblock!: () => void;
    const stuck = queues.run('h1', () => new Promise<void>((r) => (unblock = r)).then(() => void done.push('h1 first')));
    const behind = queues.run('h1', async () => void done.push('h1 second'));
    await queues.run('h2', async () => void done.push('h2'));
    expect(done).toEqual(['h2']);
    unblock();
    await Promise.all([stuck, behind]);
    expect(done).toEqual(['h2', 'h1 first', 'h1 second']);
  });

  it('goes on after a failed step and hands its error to the caller', async () => {
    const queues = new HallQueues();
    await expect(queues.run('h1', async () => Promise.reject(new Error('no database')))).rejects.toThrow('no database');
    await expect(queues.run('h1', async () => 'next')).resolves.toBe('next');
  });
});
