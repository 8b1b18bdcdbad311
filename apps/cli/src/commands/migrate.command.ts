import { Command } from 'commander';

/**
 * `hallwatch migrate --dry-run`: the schema migrations each service would run at its next start,
 * one line each, then `migrate: N pending migration(s)`. Data newer than this release knows is an
 * error naming the collection and both versions (exit 1), as it is at a service's start.
 */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('list the schema migrations the services run at their next start')
    .option('--dry-run', 'list the pending migrations without running any')
    .action(async (opts: { dryRun?: boolean }) => {
      if (!opts.dryRun)
        throw new Error(
          'migrate: each service migrates its own collections when it starts, under its lock; use --dry-run to list what is pending',
        );
      const [{ readEnv }, { ensureFerretDb, pendingMigrations }, { default: mongoose }, { INFERENCE_SCHEMAS }, { REPORTING_SCHEMAS }] =
        await Promise.all([
          import('@hallwatch/config'),
          import('@hallwatch/runtime'),
          import('mongoose'),
          import('../../../inference/src/migrations'),
          import('../../../reporting/src/migrations'),
        ]);
      const env = readEnv();
      const store = await ensureFerretDb(env.mongodbUri, env.dataDir);
      const connection = await mongoose.createConnection(store.url).asPromise();
      try {
        let pending = 0;
        for (const [service, schemas] of [
          ['inference', INFERENCE_SCHEMAS],
          ['reporting', REPORTING_SCHEMAS],
        ] as const) {
          for (const plan of await pendingMigrations(connection.db!, schemas)) {
            for (const m of plan.migrations) {
              console.log(`${service} ${m.collection} ${m.from} -> ${m.to}: ${m.id} (${m.description})`);
              pending++;
            }
          }
        }
        console.log(`migrate: ${pending} pending migration(s)`);
      } finally {
        await connection.close();
        store.process?.kill('SIGTERM');
      }
    });
}
