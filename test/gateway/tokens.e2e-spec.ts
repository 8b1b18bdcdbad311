import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { EXAMPLE_JWT_SECRET } from '@hallwatch/config';
import { hashPassword } from '@hallwatch/runtime';
import { freePort, login, runCli, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';

/**
 * Issue 19, item 7 from outside: tokens end when their user changes or signs out, on every
 * gateway and across restarts; production refuses a weak signing key; sign-in is throttled per
 * account and client address behind a trusted proxy. Two real gateway processes on real NATS.
 */

const PASSWORD = 'token-test-password';
const NEW_PASSWORD = 'token-test-new-password';

/** The same hashes each time the file is written: a new salt would be a changed password, ending every token. */
const hashes = new Map<string, Promise<string>>();
const hashOf = (password: string) => hashes.get(password) ?? hashes.set(password, hashPassword(password)).get(password)!;

interface Users {
  managerHalls: string[];
  changerPassword: string;
}

async function siteYaml(users: Users): Promise<string> {
  const hash = await hashOf(PASSWORD);
  const changer = await hashOf(users.changerPassword);
  return `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall }
  - { id: t1, name: 城关镇便民服务中心, kind: township }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-17:00"] }
users:
  - { username: manager, role: hall_manager, halls: [${users.managerHalls.join(', ')}], passwordHash: "${hash}" }
  - { username: keeper, role: evaluator, passwordHash: "${hash}" }
  - { username: changer, role: supervisor, passwordHash: "${changer}" }
  - { username: guessed, role: evaluator, passwordHash: "${hash}" }
`;
}

describe('tokens and secrets: two gateways on real NATS (issue 19, item 7)', () => {
  let env: Record<string, string>;
  /** A trusts the loopback proxy's X-Forwarded-For; B trusts no proxy. */
  let gatewayA: RunningService;
  let gatewayB: RunningService;
  let a: string;
  let b: string;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    env = {
      HALLWATCH_SITE: writeSiteFile(await siteYaml({ managerHalls: ['h1', 't1'], changerPassword: PASSWORD })),
      MONGODB_URI: testDatabaseUri('tokens'),
      HALLWATCH_JWT_SECRET: randomBytes(32).toString('base64'),
      HALLWATCH_API_DOCS: 'false',
      // As the deploy's units run it: the good secret above is what lets it start.
      NODE_ENV: 'production',
    };
    [gatewayA, gatewayB] = await Promise.all([
      startService('gateway', { ...env, PORT: String(portA), HALLWATCH_TRUST_PROXY: 'loopback' }),
      startService('gateway', { ...env, PORT: String(portB) }),
    ]);
    a = `http://127.0.0.1:${portA}`;
    b = `http://127.0.0.1:${portB}`;
  });

  afterAll(async () => {
    await Promise.all([gatewayA?.stop(), gatewayB?.stop()]);
  });

  const call = (base: string, method: string, path: string, token?: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
  const site = (base: string, token: string) => call(base, 'GET', '/api/site', token);
  const logout = (base: string, token: string) => call(base, 'POST', '/api/auth/logout', token);

  it('refuses to start in production without a 32-byte HALLWATCH_JWT_SECRET, or with the example one, naming it', async () => {
    const port = String(await freePort());
    const runs = await Promise.all(
      [undefined, EXAMPLE_JWT_SECRET, 'x'.repeat(31)].map((secret) =>
        runCli(['start', 'gateway'], { ...env, PORT: port, HALLWATCH_JWT_SECRET: secret ?? '' }, 60_000),
      ),
    );
    expect(runs.map((r) => r.status)).toEqual([1, 1, 1]);
    expect(runs[0].stderr).toContain('hallwatch: NODE_ENV=production: HALLWATCH_JWT_SECRET is unset');
    expect(runs[1].stderr).toContain('HALLWATCH_JWT_SECRET is the documented example value');
    expect(runs[2].stderr).toContain('HALLWATCH_JWT_SECRET is 31 bytes long');
    for (const run of runs) expect(run.stdout).not.toContain('gateway started');
  });

  it('takes a token on every gateway, and after logout on one refuses it on both at the next request and ends its live stream', async () => {
    const token = await login(a, 'manager', PASSWORD);
    expect((await site(a, token)).status).toBe(200);
    expect((await site(b, token)).status).toBe(200);
    const other = await login(b, 'manager', PASSWORD);
    const live = await call(a, 'GET', '/api/live/events', token);
    expect(live.status).toBe(200);

    expect((await logout(b, token)).status).toBe(204);
    expect((await site(a, token)).status).toBe(401);
    expect((await site(b, token)).status).toBe(401);
    expect((await logout(a, token)).status).toBe(401);
    // Only that token: the user's other one and a new sign-in work on.
    expect((await site(a, other)).status).toBe(200);
    expect((await site(b, await login(a, 'manager', PASSWORD))).status).toBe(200);

    // The stream opened before the logout ends at its next ping (every 15 s), not when the token expires in 8 hours.
    const reader = live.body!.getReader();
    const ended = (async () => {
      while (!(await reader.read()).done);
      return 'ended';
    })();
    const late = new Promise((resolve) => setTimeout(() => resolve('still open'), 40_000).unref());
    expect(await Promise.race([ended, late])).toBe('ended');
  });

  it("ends a token once its user's halls or password change in the site file and the gateway restarts; others' tokens and logouts hold", async () => {
    const manager = await login(a, 'manager', PASSWORD);
    const changer = await login(a, 'changer', PASSWORD);
    const keeper = await login(a, 'keeper', PASSWORD);
    const signedOut = await login(a, 'keeper', PASSWORD);
    expect(((await (await site(a, manager)).json()) as { halls: { id: string }[] }).halls.map((h) => h.id)).toEqual(['h1', 't1']);
    for (const token of [manager, changer, keeper, signedOut]) expect((await site(a, token)).status).toBe(200);
    expect((await logout(a, signedOut)).status).toBe(204);

    fs.writeFileSync(env.HALLWATCH_SITE, await siteYaml({ managerHalls: ['h1'], changerPassword: NEW_PASSWORD }));
    await gatewayA.stop();
    gatewayA = await startService('gateway', { ...env, PORT: new URL(a).port, HALLWATCH_TRUST_PROXY: 'loopback' });

    expect((await site(a, manager)).status).toBe(401);
    expect((await site(a, changer)).status).toBe(401);
    expect((await site(a, signedOut)).status).toBe(401);
    // The restart alone ends nothing: the unchanged user's token still works.
    expect((await site(a, keeper)).status).toBe(200);

    const again = await login(a, 'manager', PASSWORD);
    expect(((await (await site(a, again)).json()) as { halls: { id: string }[] }).halls.map((h) => h.id)).toEqual(['h1']);
    expect((await call(a, 'POST', '/api/auth/login', undefined, {}, { username: 'changer', password: PASSWORD })).status).toBe(401);
    expect((await site(a, await login(a, 'changer', NEW_PASSWORD))).status).toBe(200);
  });

  it('throttles sign-in per account and client address, the address taken from X-Forwarded-For only behind HALLWATCH_TRUST_PROXY', async () => {
    const attempt = (base: string, client: string, password: string) =>
      call(base, 'POST', '/api/auth/login', undefined, { 'x-forwarded-for': client }, { username: 'guessed', password });
    for (const base of [a, b]) {
      const wrong: number[] = [];
      for (let i = 0; i < 5; i++) wrong.push((await attempt(base, '198.51.100.7', `wrong-${i}`)).status);
      expect(wrong).toEqual([401, 401, 401, 401, 401]);
      expect((await attempt(base, '198.51.100.7', PASSWORD)).status).toBe(429);
    }
    // Behind the trusted proxy the owner, at another address, is not locked out by the guesses.
    expect((await attempt(a, '198.51.100.8', PASSWORD)).status).toBe(200);
    // Without a trusted proxy the header is the client's own word: every attempt is 127.0.0.1's.
    expect((await attempt(b, '198.51.100.8', PASSWORD)).status).toBe(429);
  });
});
