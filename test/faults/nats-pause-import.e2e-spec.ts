/**
 * nats-server frozen (SIGSTOP) for 8 s while `hallwatch import cases` writes a large file under
 * reporting's write lock, with reporting's consumers waiting for the same lock (issue 20, item 3).
 * Nothing crashes (a lock renewal that fails is handled), no event goes to the dead letters for
 * having waited, and every row and event is stored once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { casesCsv } from '../../bench/support';
import { runCli } from '../support/e2e';
import { cyclesOf, expectedAbsences, FaultStack, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1', 'W2', 'W3', 'W4'];
const ROWS = 40_000;
const CYCLES = 8;

describe('nats-server frozen for 8 s during a large CSV import', () => {
  const stack = new FaultStack('nats-pause-import', WINDOWS);
  beforeAll(() => stack.start(['reporting', 'gateway']));
  afterAll(async () => {
    stack.nats?.resume();
    await stack.stop();
  });

  it('neither the CLI nor reporting crashes, nothing goes to the dead letters, and everything is stored once', async () => {
    const { api, nc } = stack;
    const file = path.join(tempDir('nats-pause-import'), 'cases.csv');
    fs.writeFileSync(file, casesCsv(ROWS, WINDOWS, '2024-03', 8));
    await publishAll(nc.jetstream(), cyclesOf(['W1'], 0, CYCLES / 2));

    let paused: Promise<void> | undefined;
    const importing = runCli(['import', 'cases', file], stack.env, 300_000, (stderr) => {
      // Frozen while the second batch is being written under the lock (the first is stored).
      if (paused || !stderr.includes(`10000/${ROWS} rows`)) return;
      stack.nats!.pause();
      paused = new Promise((r) => setTimeout(r, 8000)).then(() => stack.nats!.resume());
    });
    const imported = await importing;
    expect(paused).toBeDefined();
    await paused;
    expect([imported.status, imported.stdout.trim().split('\n').pop()]).toEqual([0, `imported ${file}: ${ROWS} accepted, 0 rejected`]);
    // Events published after the freeze wait for the lock beside any still held.
    await publishAll(nc.jetstream(), cyclesOf(['W1'], CYCLES / 2, CYCLES));

    expect(await api.untilAbsences(['W1'], CYCLES, 120_000)).toEqual(expectedAbsences(['W1'], CYCLES));
    const conn = await mongoose.createConnection(`${stack.db.url}/nats_pause_import`).asPromise();
    try {
      expect(await conn.collection('cases').countDocuments()).toBe(ROWS);
    } finally {
      await conn.close();
    }
    const health = (await api.health()).body;
    expect(health).toMatchObject({ nats: 'ok', deadLetters: 0, services: { reporting: { status: 'ok' } } });
    expect(stack.allRunning()).toBe(true);
    const reporting = stack.services[0].output();
    expect(reporting).not.toMatch(/moved to HALLWATCH_DEADLETTER/);
    console.log(
      `nats-server frozen 8 s during an import of ${ROWS} rows: all imported, ${CYCLES * 5} events stored once, 0 dead letters; ` +
        `reporting ${/waiting for NATS or a lock/.test(reporting) ? 'held messages while waiting' : 'waited for nothing'}`,
    );
  });
});
