import { PeriodicTask } from './periodic-task';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PeriodicTask', () => {
  it('runs every interval, never two runs at once, reports each result, and stop waits for the run in flight', async () => {
    let running = 0;
    let overlap = false;
    let finished = 0;
    const results: number[] = [];
    const task = new PeriodicTask(
      10,
      async () => {
        overlap ||= running > 0;
        running++;
        await sleep(35); // longer than the interval: due runs meanwhile are skipped
        running--;
        return ++finished;
      },
      (n) => results.push(n),
      () => undefined,
    );
    task.start();
    await sleep(120);
    await task.stop();
    expect(overlap).toBe(false);
    expect(running).toBe(0);
    expect(finished).toBeGreaterThanOrEqual(2);
    expect(results).toEqual(Array.from({ length: finished }, (_, i) => i + 1));
    await sleep(40);
    expect(results.length).toBe(finished); // nothing after stop
  });

  it('reports a failed run and goes on, also when the report itself throws', async () => {
    const errors: string[] = [];
    let calls = 0;
    const task = new PeriodicTask(
      10,
      async () => {
        calls++;
        if (calls === 1) throw new Error('database away');
        return calls;
      },
      () => {
        throw new Error('a report that fails');
      },
      (err) => errors.push(err.message),
    );
    task.start();
    await sleep(80);
    await task.stop();
    expect(errors).toEqual(['database away']);
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});
