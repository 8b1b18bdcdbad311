/**
 * npm run bench:import — `hallwatch import cases` of a generated CSV (default 100,000 rows: a big
 * district's month over 200 windows in 20 halls) into a fresh embedded FerretDB, with its own
 * nats-server for the write lock, both in a temporary folder. Runs the real CLI as a child process
 * and ends with the line `import: N rows in T s (R rows/s)`. Options: --rows N, --windows N;
 * BENCH_CPU_PROF=DIR writes the CLI's CPU profile there.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFerretDb, ensureNats, freePort } from '@hallwatch/runtime';
import { casesCsv, generatedSite, treeUsage } from './support';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 100_000);
const WINDOWS = arg('windows', 200);
const HALLS = 20;
const CLI = path.resolve(__dirname, '..', '..', 'bin', 'hallwatch.js');

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-bench-import-'));
  const nats = await ensureNats(undefined, dir, await freePort());
  const db = await ensureFerretDb(undefined, dir, 0, 'bench');
  try {
    fs.writeFileSync(path.join(dir, 'site.yaml'), generatedSite(HALLS, WINDOWS));
    const file = path.join(dir, 'cases.csv');
    fs.writeFileSync(
      file,
      casesCsv(
        ROWS,
        Array.from({ length: WINDOWS }, (_, w) => `W${w}`),
        '2023-03',
        WINDOWS * 2,
      ),
    );
    const env = {
      ...process.env,
      HALLWATCH_SITE: path.join(dir, 'site.yaml'),
      MONGODB_URI: db.url,
      NATS_URL: nats.url,
      HALLWATCH_DATA_DIR: dir,
    };
    // CPU seconds, not wall-clock alone: the machine is often shared. The CLI's share is what this
    // process reaped of its ended children, less the living servers'.
    const cpu = () => {
      const ferret = db.process?.pid ? treeUsage(db.process.pid).rootSeconds : 0;
      const natsServer = nats.process?.pid ? treeUsage(nats.process.pid).rootSeconds : 0;
      return { ferret, nats: natsServer, cli: treeUsage(process.pid).childSeconds - ferret - natsServer };
    };
    const before = cpu();
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), CLI, 'import', 'cases', file],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const seconds = (Date.now() - started) / 1000;
    const after = cpu();
    const summary = out.trim().split('\n').pop() ?? '';
    if (code !== 0 || !summary.includes(`${ROWS} accepted, 0 rejected`))
      throw new Error(`import failed (exit ${code}): ${out.slice(-2000)}`);
    process.stderr.write(`${summary}\n`);
    console.log(
      `import CPU seconds: hallwatch import ${(after.cli - before.cli).toFixed(1)}, FerretDB ${(after.ferret - before.ferret).toFixed(1)}, ` +
        `NATS ${(after.nats - before.nats).toFixed(1)}; machine: ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
    );
    console.log(`import: ${ROWS} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s)`);
  } finally {
    db.process?.kill('SIGTERM');
    nats.process?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench:import: ${(err as Error).message}`);
  process.exit(1);
});
