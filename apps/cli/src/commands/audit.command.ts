import { Command } from 'commander';

/** The embedded NATS `hallwatch start` runs when NATS_URL is unset. */
const EMBEDDED_NATS = 'nats://127.0.0.1:4222';

/**
 * `hallwatch audit verify`: every incident's hash-chained audit trail and evidence frames against
 * their recorded hashes, and the trails against the chain heads published on NATS when it answers.
 * Prints `audit: N incidents, M entries, K evidence frames, B broken`, then each broken incident
 * with what is wrong; exit 1 when any is broken. Entries and frames from before hashing are
 * reported as unchained, not counted as broken (their content cannot be checked).
 */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('check that the record was not rewritten');
  audit
    .command('verify')
    .description("check every incident's audit chain and evidence hashes, and the chain heads published on NATS")
    .action(async () => {
      const [{ loadSite, readEnv }, { Streams }, { ensureFerretDb, maskUrl }, { default: mongoose }, { readAuditHeads, verifyAudit }] =
        await Promise.all([
          import('@hallwatch/config'),
          import('@hallwatch/contracts'),
          import('@hallwatch/runtime'),
          import('mongoose'),
          import('../../../inference/src/audit-verify'),
        ]);
      const env = readEnv();
      const site = loadSite(env.sitePath);
      const natsUrl = env.natsUrl ?? EMBEDDED_NATS;
      const read = await readAuditHeads(natsUrl);
      const store = await ensureFerretDb(env.mongodbUri, env.dataDir);
      const db = await mongoose.createConnection(store.url).asPromise();
      try {
        const report = await verifyAudit(db, {
          heads: 'heads' in read ? read.heads : undefined,
          evidenceRetentionMs: site.evidence.retention,
        });
        console.log(
          `audit: ${report.incidents} incidents, ${report.entries} entries, ${report.evidence} evidence frames, ${report.broken.length} broken`,
        );
        for (const b of report.broken) console.log(`broken: incident ${b.id}: ${b.faults.join('; ')}`);
        const { unchained } = report;
        if (unchained.incidents.length > 0)
          console.log(
            `unchained: ${unchained.entries} entries and ${unchained.frames} evidence frames from before hashing, not verifiable, in ${unchained.incidents.length} incidents: ${unchained.incidents.join(', ')}`,
          );
        console.log(
          'heads' in read
            ? `chain heads: ${report.headsCompared} incidents compared with the stream ${Streams.auditHeads.name}`
            : `chain heads: not compared, NATS at ${maskUrl(natsUrl)} did not answer: ${read.unreachable}`,
        );
        if (report.broken.length > 0) process.exitCode = 1;
      } finally {
        await db.close();
        store.process?.kill('SIGTERM');
      }
    });
}
