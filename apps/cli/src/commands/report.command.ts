import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { STATS_GROUP_BYS, StatsQuery, statsNames } from '@hallwatch/contracts';

/** `hallwatch report attendance|throughput|evaluation`: the gateway's tables for scripted yearly runs. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .addArgument(
      new Command().createArgument('<table>', 'attendance, throughput or evaluation').choices(['attendance', 'throughput', 'evaluation']),
    )
    .description(
      "statistics for a period (json: an array of rows keyed by the grouping, figures as numbers; csv and xlsx: the console's table in Chinese)",
    )
    .requiredOption('--from <date>', 'first local date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last local date (included), YYYY-MM-DD')
    .addOption(new Option('--by <grouping>', 'rows per').choices(STATS_GROUP_BYS).makeOptionMandatory())
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'xlsx']).default('json'))
    .option('--out <file>', 'write to this file instead of standard output')
    .action(
      async (
        table: 'attendance' | 'throughput' | 'evaluation',
        opts: { from: string; to: string; by: StatsQuery['groupBy']; format: string; out?: string },
      ) => {
        const [{ toCsv, toXlsx }, { loadSite, readEnv }] = await Promise.all([import('@hallwatch/stats'), import('@hallwatch/config')]);
        const { withReporting } = await import('../../../reporting/src/in-process');
        const result = await withReporting((reporting) => reporting[table]({ from: opts.from, to: opts.to, groupBy: opts.by }));
        const site = loadSite(readEnv().sitePath);
        const body =
          opts.format === 'json'
            ? `${JSON.stringify(result.rows, null, 2)}\n`
            : opts.format === 'csv'
              ? toCsv(result, statsNames(site))
              : await toXlsx({ report: table, table: result, names: statsNames(site), timeZone: site.timezone, generatedAt: Date.now() });
        if (opts.out) fs.writeFileSync(opts.out, body);
        else process.stdout.write(body);
      },
    );
}
