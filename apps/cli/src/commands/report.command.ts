import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { SYSTEM_WRITERS, STATS_GROUP_BYS, StatsQuery, statsNames } from '@hallwatch/contracts';

const TABLES = ['attendance', 'throughput', 'evaluation'] as const;

function write(body: string | Buffer, out: string | undefined): void {
  if (out) fs.writeFileSync(out, body);
  else process.stdout.write(body);
}

/**
 * `hallwatch report attendance|throughput|evaluation`: the gateway's tables for scripted yearly runs;
 * `hallwatch report notice`: the monthly notice (月度通报).
 */
export function registerReportCommand(program: Command): void {
  const report = program.command('report').description('statistics for a period, and the monthly notice');
  for (const table of TABLES)
    report
      .command(table)
      .description(
        `the ${table} table for a period (json: an array of rows keyed by the grouping, figures as numbers; csv and xlsx: the console's table in Chinese)`,
      )
      .requiredOption('--from <date>', 'first local date, YYYY-MM-DD')
      .requiredOption('--to <date>', 'last local date (included), YYYY-MM-DD')
      .addOption(new Option('--by <grouping>', 'rows per').choices(STATS_GROUP_BYS).makeOptionMandatory())
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'xlsx']).default('json'))
      .option('--out <file>', 'write to this file instead of standard output')
      .action(async (opts: { from: string; to: string; by: StatsQuery['groupBy']; format: string; out?: string }) => {
        const [{ toCsv, toXlsx }, { loadSite, readEnv }] = await Promise.all([import('@hallwatch/stats'), import('@hallwatch/config')]);
        const { withReporting } = await import('../../../reporting/src/in-process');
        const result = await withReporting((reporting) => reporting[table]({ from: opts.from, to: opts.to, groupBy: opts.by }));
        const site = loadSite(readEnv().sitePath);
        write(
          opts.format === 'json'
            ? `${JSON.stringify(result.rows, null, 2)}\n`
            : opts.format === 'csv'
              ? toCsv(result, statsNames(site))
              : await toXlsx({ report: table, table: result, names: statsNames(site), timeZone: site.timezone, generatedAt: Date.now() }),
          opts.out,
        );
      });

  report
    .command('notice')
    .description('the monthly notice (月度通报) of a month, issued by the CLI: Word (.docx), PDF for print, or its content as JSON')
    .requiredOption('--month <month>', 'the month, YYYY-MM')
    .addOption(new Option('--format <format>', 'output format').choices(['docx', 'pdf', 'json']).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { month: string; format: 'docx' | 'pdf' | 'json'; out?: string }) => {
      const [{ noticeFile }, { readEnv }, { isCalendarMonth }, { printPdf }] = await Promise.all([
        import('@hallwatch/stats'),
        import('@hallwatch/config'),
        import('@hallwatch/contracts'),
        import('@hallwatch/runtime'),
      ]);
      if (!isCalendarMonth(opts.month))
        throw new Error(`report notice: --month ${opts.month}: must be a month written YYYY-MM (e.g. 2026-11)`);
      const { withReporting } = await import('../../../reporting/src/in-process');
      const notice = await withReporting((reporting) => reporting.notice({ month: opts.month, issuer: SYSTEM_WRITERS.cli.username }));
      const file = await noticeFile(notice, opts.format, (html) => printPdf(html, readEnv().chromiumPath));
      write(file.body, opts.out);
    });
}
