import { Command, InvalidArgumentError } from 'commander';
import type { DeadLetter, DeadLetterFilter } from '@hallwatch/runtime';
import { Streams } from '@hallwatch/contracts';

/** The streams a dead letter can come from, as `--stream` names them (the audit heads, cards and rectification steps have no consumer that gives up). */
const NO_DEAD_LETTERS: readonly string[] = [
  Streams.deadLetters.name,
  Streams.auditHeads.name,
  Streams.cards.name,
  Streams.rectifications.name,
];
const STREAM_NAMES: readonly string[] = Object.values(Streams)
  .map((s) => s.name)
  .filter((name) => !NO_DEAD_LETTERS.includes(name));

/** `--stream`: a Hallwatch stream whose messages can be moved aside. */
export function deadLetterStream(value: string): string {
  if (!STREAM_NAMES.includes(value)) throw new InvalidArgumentError(`must be one of ${STREAM_NAMES.join(', ')}`);
  return value;
}

/** `--id`: a dead letter's number, as `deadletters list` prints it (#N). */
export function deadLetterId(value: string): number {
  const n = Number(value.replace(/^#/, ''));
  if (!/^#?\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('must be the number of a dead letter, as `deadletters list` prints it (e.g. 12 or #12)');
  return n;
}

/** One line per dead letter: its id, where it came from, when and why it was moved aside. */
export function describeDeadLetter(d: DeadLetter): string {
  return `#${d.id} ${d.stream} #${d.sequence} ${d.subject} (consumer ${d.consumer || '?'}) moved aside ${d.at.toISOString()}: ${d.reason || 'no reason recorded'}`;
}

/**
 * `hallwatch deadletters list|replay [--stream S] [--id N]`: the messages consumers gave up on
 * (kept 90 days in HALLWATCH_DEADLETTER), and putting them back on their subjects once the cause
 * is fixed (every consumer is idempotent: a replayed event that was stored meanwhile changes nothing).
 */
export function registerDeadLettersCommand(program: Command): void {
  const command = program.command('deadletters').description('messages a consumer gave up on (HALLWATCH_DEADLETTER)');
  const withFilter = (c: Command) =>
    c
      .option('--stream <stream>', `only those from this stream (${STREAM_NAMES.join(', ')})`, deadLetterStream)
      .option('--id <n>', 'only this dead letter (its number in `deadletters list`)', deadLetterId);
  withFilter(command.command('list').description('print each dead letter: number, origin, time moved aside and why')).action(
    async (filter: DeadLetterFilter) => {
      await withNats(async (nc, { listDeadLetters }) => {
        const letters = await listDeadLetters(nc, filter);
        for (const d of letters) console.log(describeDeadLetter(d));
        console.log(`${letters.length} dead letter(s)`);
      });
    },
  );
  withFilter(
    command
      .command('replay')
      .description('publish dead letters again on their subjects (their consumers handle them anew), then delete them'),
  ).action(async (filter: DeadLetterFilter) => {
    await withNats(async (nc, { listDeadLetters, replayDeadLetter }) => {
      const letters = await listDeadLetters(nc, filter);
      if (filter.id !== undefined && letters.length === 0)
        throw new Error(`deadletters replay: no dead letter #${filter.id}${filter.stream ? ` from ${filter.stream}` : ''}`);
      for (const d of letters) {
        await replayDeadLetter(nc, d);
        console.log(`replayed #${d.id} to ${d.subject}`);
      }
      console.log(`replayed ${letters.length} dead letter(s)`);
    });
  });
}

async function withNats(
  work: (nc: import('nats').NatsConnection, runtime: typeof import('@hallwatch/runtime')) => Promise<void>,
): Promise<void> {
  const runtime = await import('@hallwatch/runtime');
  const env = (await import('@hallwatch/config')).readEnv();
  const nats = await runtime.ensureNats(env.natsUrl, env.dataDir);
  // Standard output carries the command's own lines: the connection's warnings go to stderr.
  const adapter = new runtime.NatsAdapter(
    { natsUrl: nats.url, name: 'cli-deadletters', replicas: env.streamReplicas, connect: { maxReconnectAttempts: 0 } },
    { log: () => undefined, warn: (m) => console.error(m) },
  );
  try {
    await work(await adapter.connection(), runtime);
  } finally {
    await adapter.close();
    nats.process?.kill('SIGTERM');
  }
}
