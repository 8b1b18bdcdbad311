/**
 * `npm run bench:signin`: how much a burst of wrong sign-ins slows the gateway for everyone else
 * (issue 11: 40 concurrent wrong sign-ins took GET /api/health from 17 ms to 709 ms).
 *
 * Runs the gateway on a private nats-server (no services: health answers "down" for each, which
 * still goes through NATS) and times GET /api/health, alone and while 40 wrong sign-ins run at
 * once: first all from one address, then each from its own address (127.0.0.x) and for its own
 * account, so the per-address and per-account throttle does not stop them and every one costs a
 * scrypt check.
 */
import 'reflect-metadata';
import * as http from 'node:http';
import * as os from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseSite, readEnv } from '@hallwatch/config';
import { ensureNats, freePort, hashPassword } from '@hallwatch/runtime';
import { startGateway } from '../apps/gateway/src/main';

const BURST = 40;

function request(port: number, method: string, urlPath: string, body?: object, token?: string, localAddress?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        localAddress,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function healthMs(port: number, token: string, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await request(port, 'GET', '/api/health', undefined, token);
    out.push(performance.now() - t0);
  }
  return out;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-signin-'));
  const nats = await ensureNats(undefined, dir, await freePort());
  const hash = await hashPassword('bench-password');
  const users = Array.from({ length: BURST }, (_, i) => `  - { username: user${i}, role: evaluator, passwordHash: "${hash}" }`).join('\n');
  const site = parseSite(
    `halls:\n  - { id: h1, name: H, kind: hall }\nschedules:\n  default: { weekdays: [mon], open: ["09:00-17:00"] }\nusers:\n  - { username: admin, role: admin, passwordHash: "${hash}" }\n${users}\n`,
  );
  const port = await freePort();
  const env = readEnv({ ...process.env, PORT: String(port), HALLWATCH_JWT_SECRET: 'bench', HALLWATCH_API_DOCS: 'false' });
  const app = await startGateway({ env, site, natsUrl: nats.url, mongodbUri: '' });
  try {
    const tokenRes = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'bench-password' }),
    });
    const { accessToken } = (await tokenRes.json()) as { accessToken: string };
    await healthMs(port, accessToken, 5);
    const idle = await healthMs(port, accessToken, 20);

    const burst = async (from: (i: number) => { user: string; address: string }) => {
      const statuses = new Map<number, number>();
      const logins = Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          const { user, address } = from(i);
          const status = await request(port, 'POST', '/api/auth/login', { username: user, password: 'wrong' }, undefined, address);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
      );
      const during = await healthMs(port, accessToken, 10);
      await logins;
      return { during, statuses: Object.fromEntries(statuses) };
    };
    const one = await burst(() => ({ user: 'admin', address: '127.0.0.1' }));
    const many = await burst((i) => ({ user: `user${i}`, address: `127.0.0.${i + 2}` }));

    console.log(`health alone: median ${median(idle).toFixed(1)} ms`);
    console.log(
      `health during ${BURST} wrong sign-ins from one address for one account: median ${median(one.during).toFixed(1)} ms, max ${Math.max(...one.during).toFixed(1)} ms; answers ${JSON.stringify(one.statuses)}`,
    );
    console.log(
      `health during ${BURST} wrong sign-ins from ${BURST} addresses for ${BURST} accounts: median ${median(many.during).toFixed(1)} ms, max ${Math.max(...many.during).toFixed(1)} ms; answers ${JSON.stringify(many.statuses)}`,
    );
  } finally {
    await app.close();
    nats.process?.kill('SIGTERM');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
