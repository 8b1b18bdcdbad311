import { ChildProcess, spawn } from 'node:child_process';
import { Command } from 'commander';
import {
  checkJwtSecret,
  HallwatchEnv,
  loadSite,
  metricsPortFor,
  mongodbUriFor,
  natsAuth,
  readEnv,
  SiteConfig,
  webhookSecrets,
} from '@hallwatch/config';
import { SERVICES } from '@hallwatch/contracts';
import { ensureFerretDb, ensureNats, HallwatchLogger, maskUrl, ServiceContext } from '@hallwatch/runtime';
import { startDemoCamera } from '../demo-camera';

const ALL = [...SERVICES, 'gateway'] as const;
type Startable = (typeof ALL)[number];

/** Each service is loaded only when started, so the gateway never loads TensorFlow. */
const starters: Record<Startable, (ctx: ServiceContext) => Promise<unknown>> = {
  ingestion: (ctx) => require('../../../ingestion/src/main').startIngestion(ctx),
  inference: (ctx) => require('../../../inference/src/main').startInference(ctx),
  reporting: (ctx) => require('../../../reporting/src/main').startReporting(ctx),
  gateway: (ctx) => require('../../../gateway/src/main').startGateway(ctx),
};

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .argument('[service]', `one of ${ALL.join(', ')}; all of them when omitted`)
    .description('start Hallwatch (embedded NATS and FerretDB when NATS_URL / MONGODB_URI are unset)')
    .action(async (service?: string) => {
      if (service !== undefined && !(ALL as readonly string[]).includes(service)) {
        throw new Error(`start: unknown service "${service}" (choose ${ALL.join(', ')})`);
      }
      const env = readEnv();
      const site = loadSite(env.sitePath); // a bad site file stops everything before anything starts
      // In production the gateway would refuse it, and a metrics port past 65535 stops them all: before anything starts.
      const metricsPorts = service === undefined ? childMetricsPorts(env) : {};
      if (service === undefined) checkJwtSecret(env);
      // Reporting sends the webhooks: a secret variable unset stops it here, named, not inside Nest.
      if (service === undefined || service === 'reporting') webhookSecrets(site.notifications.webhooks);
      HallwatchLogger.identify({ service, instance: env.instance, level: env.logLevel });
      const log = new HallwatchLogger('start');
      const nats = await ensureNats(env.natsUrl, env.dataDir);
      // One service connects as its own database user; the supervisor hands its children MONGODB_URI.
      const db = await ensureFerretDb(service ? mongodbUriFor(env, service as Startable) : env.mongodbUri, env.dataDir);
      log.log(
        `NATS at ${maskUrl(nats.url)}${nats.process ? ' (embedded)' : ''}; database at ${maskUrl(db.url)}${db.process ? ' (embedded FerretDB)' : ''}`,
      );
      // Each service signs in to NATS as itself (HALLWATCH_NATS_<SERVICE>_*); the supervisor never connects.
      const ctx: ServiceContext = {
        env,
        site,
        natsUrl: nats.url,
        mongodbUri: db.url,
        natsAuth: service ? natsAuth(env.nats, service as Startable) : undefined,
      };
      const owned = [nats.process, db.process].filter((p): p is ChildProcess => p !== undefined);
      const stopOwned = () => owned.forEach((p) => p.kill('SIGTERM'));
      process.once('exit', stopOwned);

      if (service) {
        await starters[service as Startable](ctx);
        log.log(`${service} started`);
        return;
      }
      owned.push(...(await startDemoCamera(site, log)));
      superviseAll(env, site, ctx, log, stopOwned, metricsPorts);
      // The demo's month of history, written while the services start (its writes are safe beside
      // theirs), so it never delays them; never in production.
      if (site.demo && !env.production) seedDemoHistory(log).catch((err: Error) => log.error(`demo history: not seeded: ${err.message}`));
    });
}

/** Seeds the demo's history once (DemoSeedService) and says how long it took. */
async function seedDemoHistory(log: HallwatchLogger): Promise<void> {
  const started = Date.now();
  const { withReporting } = await import('../../../reporting/src/in-process');
  const result = await withReporting((reporting) => reporting.seedDemo());
  const range = `${new Date(result.from).toISOString()} to ${new Date(result.to).toISOString()}`;
  const counts = Object.entries(result.counts)
    .map(([what, n]) => `${n} ${what}`)
    .join(', ');
  if (result.seeded) log.log(`demo history: seeded ${range} (${counts}) in ${Date.now() - started} ms`);
  else log.log(`demo history: already in the database (${range}); nothing added`);
}

/**
 * The HALLWATCH_METRICS_PORT each child gets: each service its own port (P, P+1, … given
 * HALLWATCH_METRICS_PORT=P, 0 for all when it is 0); none when it is unset (each its default).
 */
function childMetricsPorts(env: HallwatchEnv): Partial<Record<Startable, string>> {
  if (env.metricsPort === undefined) return {};
  return Object.fromEntries(ALL.map((service) => [service, String(metricsPortFor(env, service, true))]));
}

/** Runs every service as its own process (each its own metrics port), restarting one that dies (with growing pauses). */
function superviseAll(
  env: HallwatchEnv,
  site: SiteConfig,
  ctx: ServiceContext,
  log: HallwatchLogger,
  stopOwned: () => void,
  metricsPorts: Partial<Record<Startable, string>>,
): void {
  const children = new Map<Startable, ChildProcess>();
  let stopping = false;
  const run = (service: Startable, restarts: number) => {
    const child = spawn(process.execPath, [process.argv[1], 'start', service], {
      stdio: 'inherit',
      env: {
        ...process.env,
        NATS_URL: ctx.natsUrl,
        MONGODB_URI: ctx.mongodbUri,
        HALLWATCH_SITE: env.sitePath,
        ...(metricsPorts[service] !== undefined && { HALLWATCH_METRICS_PORT: metricsPorts[service] }),
      },
    });
    children.set(service, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const delay = Math.min(30000, 1000 * 2 ** restarts);
      log.error(`${service} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => run(service, restarts + 1), delay).unref();
    });
  };
  ALL.forEach((service) => run(service, 0));
  log.log(`started ${ALL.join(', ')} for ${site.halls.length} hall(s); gateway on http://localhost:${env.port}`);
  const shutdown = () => {
    stopping = true;
    children.forEach((c) => c.kill('SIGTERM'));
    stopOwned();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
