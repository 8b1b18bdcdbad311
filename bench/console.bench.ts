/**
 * `npm run bench:console`: what the web console costs a hall manager's browser.
 *
 * Runs nats-server, FerretDB, inference and the gateway (serving the built console) on free ports,
 * signs in, and in Debian's Chromium measures:
 * - the JS and CSS bytes transferred for the board's first view (the gateway sends them gzip-compressed;
 *   the charts are lazy and not part of it);
 * - the time from navigation to the first window tile on screen, over cold loads (new profile each);
 * - from a presence event published on hallwatch.presence.<windowId> to the tile showing the new
 *   state (the page records the moment its DOM changes; both clocks are this machine's).
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connect } from 'nats';
import type { Browser, Page } from 'playwright-core';
import { Subjects } from '@hallwatch/contracts';
import { ensureFerretDb, ensureNats, freePort, hashPassword } from '@hallwatch/runtime';
import { quantile } from '@hallwatch/stats';
import { launchChromium } from './chromium';

const ROOT = path.resolve(__dirname, '..', '..');
const WINDOWS = 12;
const LOADS = 5;
const EVENTS = 40;

function start(service: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hallwatch.js'), 'start', service], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      if (output.includes(`"${service} started"`)) resolve(child);
    });
    child.stderr!.on('data', (d) => (output += d));
    child.once('exit', (code) => reject(new Error(`${service} exited with ${code}:\n${output}`)));
  });
}

async function siteFile(dir: string): Promise<string> {
  const windows = Array.from({ length: WINDOWS }, (_, i) => {
    const x = (i % 6) / 6;
    const y = i < 6 ? 0.1 : 0.55;
    return `  - { id: W${String(i + 1).padStart(2, '0')}, hall: h1, name: ${i + 1}号窗口, department: 区政务服务局, camera: cam-1, zone: [[${x.toFixed(3)}, ${y}], [${(x + 0.15).toFixed(3)}, ${y}], [${(x + 0.15).toFixed(3)}, ${y + 0.3}], [${x.toFixed(3)}, ${y + 0.3}]] }`;
  }).join('\n');
  const file = path.join(dir, 'site.yaml');
  fs.writeFileSync(
    file,
    `timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 6 }
cameras:
  # no RTSP server answers: the board's frame panel shows its error state, which costs the same
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:${await freePort()}/none", sampleEverySeconds: 1 }
windows:
${windows}
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
users:
  - { username: manager, role: hall_manager, halls: [h1], passwordHash: "${await hashPassword('bench-password')}" }
`,
  );
  return file;
}

/** A page that is signed in (the token in sessionStorage, as after the login page) and records tile changes. */
async function boardPage(browser: Browser, baseUrl: string, session: object): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  // A string, so the back end's build needs no DOM types: runs in the page before the console.
  await context.addInitScript({
    content: `
      sessionStorage.setItem('hallwatch.session', ${JSON.stringify(JSON.stringify(session))});
      window.__changes = {};
      new MutationObserver((records) => {
        const now = Date.now();
        if (window.__firstTile === undefined && document.querySelector('[data-window]')) window.__firstTile = performance.now();
        for (const r of records) {
          const el = r.target;
          if (r.type === 'attributes' && el.dataset && el.dataset.window && el.dataset.state) (window.__changes[el.dataset.window] ??= []).push({ state: el.dataset.state, at: now });
        }
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });`,
  });
  return context.newPage();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-bench-console-'));
  const processes: ChildProcess[] = [];
  let browser: Browser | undefined;
  try {
    const nats = await ensureNats(undefined, dir, await freePort());
    const db = await ensureFerretDb(undefined, dir, 0, '');
    processes.push(...[nats.process, db.process].filter((p): p is ChildProcess => !!p));
    const port = await freePort();
    const env = {
      HALLWATCH_SITE: await siteFile(dir),
      NATS_URL: nats.url,
      MONGODB_URI: `${db.url.replace(/\/$/, '')}/bench_console`,
      PORT: String(port),
      HALLWATCH_DATA_DIR: dir,
    };
    processes.push(...(await Promise.all([start('inference', env), start('gateway', env)])));
    const baseUrl = `http://127.0.0.1:${port}`;
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'manager', password: 'bench-password' }),
    });
    const answer = (await login.json()) as { accessToken: string; expiresIn: number; role: string; halls: string[] };
    const session = {
      token: answer.accessToken,
      username: 'manager',
      role: answer.role,
      halls: answer.halls,
      expiresAt: Date.now() + answer.expiresIn * 1000,
    };
    browser = await launchChromium();

    // Initial load and first render, cold each time.
    const renders: number[] = [];
    let bytes = { raw: 0, sent: 0, files: 0 };
    for (let i = 0; i < LOADS; i++) {
      const page = await boardPage(browser, baseUrl, session);
      const assets: Promise<{ raw: number; sent: number }>[] = [];
      page.on('response', (res) => {
        if (/\.(js|css)$/.test(new URL(res.url()).pathname)) {
          assets.push(
            Promise.all([res.body(), res.request().sizes()]).then(([body, sizes]) => ({ raw: body.length, sent: sizes.responseBodySize })),
          );
        }
      });
      await page.goto(`${baseUrl}/`);
      await page.waitForSelector('[data-window]');
      renders.push((await page.evaluate('window.__firstTile')) as number);
      const files = await Promise.all(assets);
      bytes = { raw: files.reduce((s, f) => s + f.raw, 0), sent: files.reduce((s, f) => s + f.sent, 0), files: files.length };
      await page.context().close();
    }

    // Presence event -> tile change, on one open board.
    const page = await boardPage(browser, baseUrl, session);
    await page.goto(`${baseUrl}/`);
    await page.waitForSelector('[data-test=push-status].el-tag--success');
    const nc = await connect({ servers: nats.url });
    const latencies: number[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const windowId = `W${String((i % WINDOWS) + 1).padStart(2, '0')}`;
      const state = Math.floor(i / WINDOWS) % 2 === 0 ? 'staffed' : 'absent';
      const at = new Date().toISOString();
      const sent = Date.now();
      nc.publish(Subjects.presence(windowId), JSON.stringify({ windowId, hallId: 'h1', state, since: at, at }));
      // A function, not a string: the console's CSP (script-src 'self') refuses evaluating strings.
      const shown = await page.waitForFunction(
        (want) =>
          (globalThis as unknown as { __changes: Record<string, { state: string; at: number }[] | undefined> }).__changes[
            want.windowId
          ]?.find((c) => c.state === want.state && c.at >= want.sent)?.at,
        { windowId, state, sent },
        { timeout: 30_000 },
      );
      latencies.push(((await shown.jsonValue()) as number) - sent);
      await new Promise((r) => setTimeout(r, 100));
    }
    await nc.drain();

    const ms = (v: number | null) => `${(v ?? NaN).toFixed(0)} ms`;
    console.log(
      `board initial load: ${(bytes.sent / 1024).toFixed(1)} KB JS+CSS transferred, gzip (${(bytes.raw / 1024).toFixed(1)} KB uncompressed, ${bytes.files} files; charts load with the statistics page)`,
    );
    console.log(
      `time to first board render: median ${ms(quantile(renders, 0.5))}, p90 ${ms(quantile(renders, 0.9))} over ${LOADS} cold loads (localhost, ${WINDOWS} windows)`,
    );
    console.log(
      `presence event -> tile change: median ${ms(quantile(latencies, 0.5))}, p90 ${ms(quantile(latencies, 0.9))} over ${EVENTS} events`,
    );
  } finally {
    await browser?.close();
    for (const p of processes.reverse()) p.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
