import { NestFactory } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import type { BatchResult, CaseImportResult, NoticeQuery, StatsQuery, StatsTable } from '@hallwatch/contracts';
import type { MonthlyNotice } from '@hallwatch/stats';
import { loadSite, mongodbUriFor, natsAuth, readEnv } from '@hallwatch/config';
import { ensureFerretDb, ensureNats, HallwatchLogger, migrateAtStart, NatsAdapter, ServiceContext } from '@hallwatch/runtime';
import { REPORTING_SCHEMAS } from './migrations';
import { ReportingModule } from './reporting.module';
import { CasesService } from './services/cases.service';
import { LeavesService } from './services/leaves.service';
import { ComplaintsService } from './services/complaints.service';
import { NoticeService } from './services/notice.service';
import { StatsService } from './services/stats.service';
import { DemoSeedResult, DemoSeedService } from './services/demo-seed.service';

/** Reporting's public API in process: the use cases the service answers on NATS, nothing below them. */
export interface ReportingApi {
  /** Like ReportingRequests.importCases: every row stored or answered with its reason; rows numbered from firstRow. */
  importCases(rows: readonly unknown[], firstRow?: number): Promise<CaseImportResult>;
  /** Like ReportingRequests.importLeaves, submitted and approved by the admin `approvedBy`. */
  importLeaves(rows: readonly unknown[], approvedBy: string, firstRow?: number): Promise<BatchResult>;
  /** Like ReportingRequests.importComplaints, for every hall. */
  importComplaints(rows: readonly unknown[], firstRow?: number): Promise<BatchResult>;
  attendance(q: StatsQuery): Promise<StatsTable>;
  throughput(q: StatsQuery): Promise<StatsTable>;
  evaluation(q: StatsQuery): Promise<StatsTable>;
  /** DemoSeedService.seed: the demo's month of history, once per database. */
  seedDemo(now?: number): Promise<DemoSeedResult>;
  notice(q: NoticeQuery): Promise<MonthlyNotice>;
}

/**
 * Runs reporting's use cases inside this process against the real database (HALLWATCH_CLI_MONGODB_URI,
 * else MONGODB_URI, else the embedded FerretDB), so the CLI validates and computes with exactly the
 * service's code. Safe beside running reporting instances: every write is atomic or versioned.
 */
export async function withReporting<T>(work: (api: ReportingApi) => Promise<T>): Promise<T> {
  const env = readEnv();
  const site = loadSite(env.sitePath);
  const db = await ensureFerretDb(mongodbUriFor(env, 'cli'), env.dataDir);
  // NATS holds the write lock shared with running reporting instances.
  const nats = await ensureNats(env.natsUrl, env.dataDir);
  // The CLI's own NATS identity (HALLWATCH_NATS_CLI_*), for the write lock and the leaves it publishes.
  const ctx: ServiceContext = { env, site, natsUrl: nats.url, mongodbUri: db.url, natsAuth: natsAuth(env.nats, 'cli') };
  // Only errors, on stderr: standard output carries the command's own output (e.g. a JSON report).
  const logger = new HallwatchLogger('reporting', ['error', 'fatal']);
  const app = await NestFactory.createApplicationContext(ReportingModule.inProcess(ctx), { logger, abortOnError: false });
  try {
    // Reporting's code writes only the schema it knows: the same migrations as at the service's start, under the same lock.
    await migrateAtStart(app.get<Connection>(getConnectionToken()).db!, REPORTING_SCHEMAS, ctx, app.get(NatsAdapter), logger);
    const cases = app.get(CasesService);
    const leaves = app.get(LeavesService);
    const complaints = app.get(ComplaintsService);
    const stats = app.get(StatsService);
    const demo = app.get(DemoSeedService);
    const notices = app.get(NoticeService);
    return await work({
      importCases: (rows, firstRow) => cases.importBatch(rows, firstRow),
      importLeaves: (rows, approvedBy, firstRow = 0) =>
        leaves.importBatch(rows, firstRow, undefined, { username: approvedBy, role: 'admin' }),
      importComplaints: (rows, firstRow) => complaints.importBatch(rows, firstRow),
      attendance: (q) => stats.attendance(q),
      throughput: (q) => stats.throughput(q),
      evaluation: (q) => stats.evaluation(q),
      seedDemo: (now) => demo.seed(now),
      notice: (q) => notices.notice(q),
    });
  } finally {
    await app.close();
    db.process?.kill('SIGTERM');
    nats.process?.kill('SIGTERM');
  }
}
