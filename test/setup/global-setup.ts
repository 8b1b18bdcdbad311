import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// Global setup runs outside jest's module mapping, so it uses the build (`npm test` builds first).
const { ensureFerretDb, ensureNats, freePort } = require('../../dist/libs/runtime/src') as typeof import('../../libs/runtime/src');

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
