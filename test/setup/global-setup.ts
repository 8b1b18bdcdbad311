import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
// Global setup runs outside jest's module mapping, so it uses the build (`npm test` builds first).
const { ensureFerretDb, ensureNats } = require('../../dist/libs/runtime/src') as typeof import('../../libs/runtime/src');

/** A free TCP port on loopback, for servers that cannot pick their own. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/**
 * End-to-end tests get their own real servers: a nats-server with JetStream on a free port and an
 * embedded FerretDB on SQLite in a temporary folder, so runs never see each other's streams or data.
 * Test files reach them through HALLWATCH_TEST_NATS_URL and HALLWATCH_TEST_MONGODB (a base URI;
 * each test picks its own database name).
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hallwatch-e2e-'));
  const nats = await ensureNats(undefined, dataDir, await freePort());
  const db = await ensureFerretDb(undefined, dataDir, 0, '');
  process.env.HALLWATCH_TEST_NATS_URL = nats.url;
  process.env.HALLWATCH_TEST_MONGODB = db.url.replace(/\/$/, '');
  process.env.HALLWATCH_TEST_DATA_DIR = dataDir;
  (globalThis as Record<string, unknown>).__HALLWATCH_E2E__ = { processes: [nats.process, db.process], dataDir };
}
