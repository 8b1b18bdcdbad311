import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../support/e2e';

/**
 * A short seeded run of the trust harness (bench/trust/trust.ts, `npm run trust`): the whole stack on
 * cameras whose seats are known by construction, with every kind of operation it knows, as many as
 * three minutes hold (seed 2 draws a site change, a NATS restart, a reporting restart and a second
 * site change). Longer
 * runs: `npm run trust -- --seed N --minutes 20`.
 */
describe('trust harness, short seeded run', () => {
  it('invents no absence, misses no staffed time, loses and duplicates nothing', async () => {
    const args = ['--seed', '2', '--minutes', '3'];
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'bench', 'trust', 'trust.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const last = output.trim().split('\n').pop();
    // On failure the whole output names the operations and what went wrong.
    if (status !== 0) console.log(output);
    expect({ status, last }).toEqual({
      status: 0,
      last: expect.stringMatching(/^trust: seed 2, [1-9]\d* operations, invented absence 0 s, missed staffed 0 s, lost 0, duplicated 0$/),
    });
  }, 360_000);
});
