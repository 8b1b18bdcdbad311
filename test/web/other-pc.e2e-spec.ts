import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../../bench/chromium';
import { freePort, RunningService, startService, testDatabaseUri } from '../support/e2e';
import { consoleOnlySite } from './console-harness';
import { makeOtherHost, OtherHost } from '../support/netns';
import { makeTestCa, TestCa } from '../support/test-ca';

const PASSWORD = 'other-pc-password';

/**
 * The console opened from another PC of the intranet (issue 26, item 1): Chromium runs in a network
 * namespace of its own and reaches the gateway at this machine's address on a veth pair, the way a
 * hall manager's PC reaches the server. Browsers treat loopback as secure, so only a test from
 * another address shows what such a PC sees: over plain HTTP, and over the gateway's own HTTPS
 * with a certificate from the intranet's CA (here a test CA that the PC's Chromium trusts).
 */
describe('the console from another PC (Chromium in a network namespace)', () => {
  let host: OtherHost;
  let ca: TestCa;
  let browser: Browser;
  const gateways: RunningService[] = [];
  let httpUrl = '';
  let httpsUrl = '';

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(process.env.HALLWATCH_TEST_DATA_DIR ?? '/tmp', 'other-pc-'));
    host = makeOtherHost();
    ca = makeTestCa(dir, [host.serverAddress]);
    // The other PC's Chromium trusts the intranet CA the way a managed PC would: in its NSS store.
    const home = path.join(dir, 'home');
    const nssdb = `sql:${path.join(home, '.pki', 'nssdb')}`;
    fs.mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
    execFileSync('certutil', ['-N', '-d', nssdb, '--empty-password']);
    execFileSync('certutil', ['-A', '-d', nssdb, '-n', 'hallwatch-test-ca', '-t', 'C,,', '-i', ca.caFile]);
    const chromiumThere = path.join(dir, 'chromium-on-other-pc.sh');
    fs.writeFileSync(chromiumThere, `#!/bin/sh\nexport HOME='${home}'\nexec ${host.exec.join(' ')} '${CHROMIUM}' "$@"\n`, { mode: 0o755 });

    const site = await consoleOnlySite(PASSWORD);
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const env = {
      HALLWATCH_SITE: site,
      HALLWATCH_JWT_SECRET: 'e2e-other-pc-secret-of-32-bytes-or-more',
      MONGODB_URI: testDatabaseUri('other_pc'),
    };
    gateways.push(
      ...(await Promise.all([
        startService('gateway', { ...env, PORT: String(httpPort) }),
        startService('gateway', { ...env, PORT: String(httpsPort), HALLWATCH_TLS_CERT: ca.certFile, HALLWATCH_TLS_KEY: ca.keyFile }),
      ])),
    );
    httpUrl = `http://${host.serverAddress}:${httpPort}`;
    httpsUrl = `https://${host.serverAddress}:${httpsPort}`;
    browser = await launchChromium(chromiumThere);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(gateways.map((g) => g.stop()));
    host?.remove();
  });

  /** Signs in from the login page and waits for the board's tile; returns every request the page made. */
  async function signInFrom(baseUrl: string): Promise<{ page: Page; requests: string[]; failed: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('request', (r: Request) => requests.push(r.url()));
    page.on('requestfailed', (r: Request) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    await page.goto(`${baseUrl}/login`);
    await page.fill('input[name=username]', 'manager-h1', { timeout: 15_000 });
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/`);
    await page.waitForSelector('[data-window="W01"]');
    return { page, requests, failed };
  }

  it('opens over plain HTTP: every asset from the same http origin, nothing upgraded to https, the board after sign-in', async () => {
    const { page, requests, failed } = await signInFrom(httpUrl);
    expect(failed).toEqual([]);
    expect(requests.length).toBeGreaterThan(3); // the page, its scripts and styles, the API
    expect(requests.filter((u) => !u.startsWith(`${httpUrl}/`))).toEqual([]);
    expect(await page.textContent('[data-window="W01"]')).toContain('1号窗口');
    await page.context().close();
  });

  it('opens over the gateway own HTTPS with a certificate of the intranet CA, and asks to stay on HTTPS', async () => {
    // Without the CA the certificate is not trusted: the trust below comes from the CA, not from a switch.
    await expect(fetch(`${httpsUrl}/login`)).rejects.toThrow();
    const answer = await new Promise<{ status?: number; hsts?: string }>((resolve, reject) => {
      https
        .get(`${httpsUrl}/login`, { ca: fs.readFileSync(ca.caFile) }, (res) => {
          res.resume();
          resolve({ status: res.statusCode, hsts: res.headers['strict-transport-security'] });
        })
        .on('error', reject);
    });
    expect(answer).toEqual({ status: 200, hsts: expect.stringMatching(/max-age=\d+/) });

    const { page, requests, failed } = await signInFrom(httpsUrl);
    expect(failed).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${httpsUrl}/`))).toEqual([]);
    const response = await page.goto(`${httpsUrl}/login`);
    expect((await response!.securityDetails())?.issuer).toBe('Hallwatch test CA');
    await page.context().close();
  });
});
