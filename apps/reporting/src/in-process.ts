import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSite, readEnv } from '@hallwatch/config';
import { ensureFerretDb, HallwatchLogger } from '@hallwatch/runtime';
import { ReportingModule } from './reporting.module';

/**
 * Runs reporting's use cases inside this process against the real database (MONGODB_URI, else the
 * embedded FerretDB), so the CLI validates and computes with exactly the service's code.
 */
export async function withReporting<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const env = readEnv();
  const site = loadSite(env.sitePath);
  const db = await ensureFerretDb(env.mongodbUri, env.dataDir);
  const app = await NestFactory.createApplicationContext(
    ReportingModule.inProcess({ env, site, natsUrl: env.natsUrl ?? '', mongodbUri: db.url }),
    // Only errors, on stderr: standard output carries the command's own output (e.g. a JSON report).
    { logger: new HallwatchLogger('reporting', ['error', 'fatal']), abortOnError: false },
  );
  try {
    return await work(app);
  } finally {
    await app.close();
    db.process?.kill('SIGTERM');
  }
}
