import * as path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { hashPassword } from '@hallwatch/runtime';
import { startRtspServer } from '../../apps/cli/src/demo-camera';
import { zone, EMPTY_ZONE } from '../inference/inference-harness';
import { eventually, freePort, MEDIA, ROOT, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';

export const PASSWORD = 'console-demo-password';
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

/**
 * The demo's two halls: h1 watched by cam-1 (people seated at their desks: W01 staffed, W05 an empty
 * seat) and the township centre t1 by cam-2 (an empty room: T01 absent). Absences after 5 s, a queue
 * open at an empty seat after 3 s; the hysteresis is short so states settle quickly.
 */
async function siteYaml(rtspPort: number): Promise<string> {
  const hash = await hashPassword(PASSWORD);
  return `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 2 }
  - { id: t1, name: 城关镇便民服务中心, kind: township, minStaffedWindows: 1 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:${rtspPort}/cam1", sampleEverySeconds: 1 }
  - { id: cam-2, hall: t1, rtsp: "rtsp://127.0.0.1:${rtspPort}/cam2", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: ${zone('A')} }
  - { id: W05, hall: h1, name: 5号窗口, department: 区公安分局, camera: cam-1, zone: ${zone('E')} }
  - { id: T01, hall: t1, name: 综合窗口, department: 城关镇政府, camera: cam-2, zone: ${EMPTY_ZONE} }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 5s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h, confirmSamples: 2, confirmAfter: 2s, queueMismatchAfter: 3s }
rosters:
  - { window: W01, staff: 张敏, weekdays: [mon, tue, wed, thu, fri, sat, sun], from: "00:00", to: "24:00" }
users:
  - { username: admin, role: admin, passwordHash: "${hash}" }
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${hash}" }
  - { username: supervisor, role: supervisor, passwordHash: "${hash}" }
  - { username: evaluator, role: evaluator, passwordHash: "${hash}" }
`;
}

/**
 * A site for tests of the console alone (a gateway, no camera reached): hall h1 with window W01,
 * and manager-h1 with `password`; `otherHall` adds hall t1 (no window, no user of its own).
 */
export async function consoleOnlySite(password: string, otherHall = false): Promise<string> {
  return writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall }${otherHall ? '\n  - { id: t1, name: 城关镇便民服务中心, kind: township }' : ''}
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:1/none" }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: ${EMPTY_ZONE} }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
users:
  - { username: manager-h1, role: hall_manager, halls: [h1], passwordHash: "${await hashPassword(password)}" }
`);
}

/** The whole stack but ingestion, which a test starts when it wants the cameras to speak. */
export class ConsoleStack {
  baseUrl = '';
  siteFile = '';
  /** What every service is started with (and a CLI run needs). */
  env: Record<string, string> = {};
  private rtsp?: ChildProcess;
  private readonly services: RunningService[] = [];
  private envOf: (service: string) => Record<string, string> = () => ({});

  /** `envOf` adds to one service's environment (e.g. its NATS server and identity). */
  async start(envOf?: (service: string) => Record<string, string>): Promise<void> {
    if (envOf) this.envOf = envOf;
    const [rtspPort, port] = [await freePort(), await freePort()];
    this.rtsp = await startRtspServer(rtspPort, {
      '/cam1': path.join(MEDIA, 'classroom-seated.mp4'),
      '/cam2': path.join(MEDIA, 'empty-room.mp4'),
    });
    this.siteFile = writeSiteFile(await siteYaml(rtspPort));
    this.env = {
      HALLWATCH_SITE: this.siteFile,
      MONGODB_URI: testDatabaseUri('console'),
      PORT: String(port),
      HALLWATCH_JWT_SECRET: 'e2e-console-secret',
    };
    this.services.push(
      ...(await Promise.all(['inference', 'reporting', 'gateway'].map((s) => startService(s, { ...this.env, ...this.envOf(s) }, 120_000)))),
    );
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  async startIngestion(): Promise<void> {
    this.services.push(await startService('ingestion', { ...this.env, ...this.envOf('ingestion') }, 120_000));
  }

  output(): string {
    return this.services.map((s) => s.output()).join('');
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    this.rtsp?.kill('SIGTERM');
  }
}

/** Signs in through the login page and waits for the board. */
export async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${baseUrl}/`);
  await page.waitForSelector('[data-window]');
}

export function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Asks GET `path` as `token`'s user once a second, for two minutes at most, until `pick` finds what is awaited in the answer. */
export function awaitAnswer<T>(baseUrl: string, token: string, path: string, pick: (res: Response) => Promise<T | undefined>): Promise<T> {
  return eventually(async () => pick(await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })), 120_000, 1000);
}

/** Reads GET /api/live/events as `token`'s user, the way the console does (fetch, bearer header). */
export function followEvents(
  baseUrl: string,
  token: string,
): { events: { type: string; data: { hallId: string; windowId?: string } }[]; close: () => void } {
  const events: { type: string; data: { hallId: string; windowId?: string } }[] = [];
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(`${baseUrl}/api/live/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop()!;
      for (const block of blocks) {
        const type = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (type && data && type !== 'ping') events.push({ type, data: JSON.parse(data) });
      }
    }
  })().catch(() => undefined);
  return { events, close: () => abort.abort() };
}
