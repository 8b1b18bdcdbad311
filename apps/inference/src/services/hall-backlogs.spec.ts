import { HallBacklogs } from './hall-backlogs';

describe('HallBacklogs', () => {
  it("runs a hall's work in order, one at a time, while a stuck hall holds no other", async () => {
    const backlogs = new HallBacklogs();
    const done: string[] = [];
    let unblock!: () => void;
    const stuck = backlogs.run('h1', () => new Promise<void>((r) => (unblock = r)).then(() => void done.push('h1 first')));
    const behind = backlogs.run('h1', async () => void done.push('h1 second'));
    await backlogs.run('h2', async () => void done.push('h2'));
    expect(done).toEqual(['h2']);
    unblock();
    await Promise.all([stuck, behind]);
    expect(done).toEqual(['h2', 'h1 first', 'h1 second']);
  });

  it('goes on after a failed step and hands its error to the caller', async () => {
    const backlogs = new HallBacklogs();
    await expect(backlogs.run('h1', async () => Promise.reject(new Error('no database')))).rejects.toThrow('no database');
    await expect(backlogs.run('h1', async () => 'next')).resolves.toBe('next');
  });
});
