import { headers, type JetStreamClient, type MsgHdrs, type NatsConnection } from 'nats';
import { DeadLetterHeaders, StreamDefinition, Streams, Subjects } from '@hallwatch/contracts';

/** A message a consumer gave up on, as the dead-letter stream keeps it (see NatsLink.consume). */
export interface DeadLetter {
  /** Its sequence number in HALLWATCH_DEADLETTER: what `--id` names. */
  id: number;
  /** The stream, consumer, subject and sequence it came from. */
  stream: string;
  consumer: string;
  subject: string;
  sequence: number;
  reason: string;
  /** When it was moved aside. */
  at: Date;
  data: Uint8Array;
}

/** Which dead letters: of one stream, or the one with this id. */
export interface DeadLetterFilter {
  stream?: string;
  id?: number;
}

/** The streams whose messages can be moved aside (every stream but the dead letters' own). */
export const REPLAYABLE_STREAMS: readonly StreamDefinition[] = Object.values(Streams).filter((s) => s.name !== Streams.deadLetters.name);

/** A dead letter from its stored message: the headers say where it came from (the subject names the stream too). */
export function deadLetterOf(m: { seq: number; subject: string; header?: MsgHdrs; data: Uint8Array; time: Date }): DeadLetter {
  const h = (name: string) => m.header?.get(name) ?? '';
  const prefix = Subjects.deadLetter('');
  return {
    id: m.seq,
    stream: h(DeadLetterHeaders.stream) || (m.subject.startsWith(prefix) ? m.subject.slice(prefix.length) : ''),
    consumer: h(DeadLetterHeaders.consumer),
    subject: h(DeadLetterHeaders.subject),
    sequence: Number(h(DeadLetterHeaders.sequence)) || 0,
    reason: h(DeadLetterHeaders.reason),
    at: m.time,
    data: m.data,
  };
}

/**
 * Stores a message in the dead-letter stream with where it came from and why (headers
 * DeadLetterHeaders), deduplicated by its stream and sequence: a consumer giving up on it, or a
 * restore putting it back.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  letter: Pick<DeadLetter, 'stream' | 'consumer' | 'subject' | 'sequence' | 'reason' | 'data'>,
): Promise<void> {
  const h = headers();
  h.set(DeadLetterHeaders.stream, letter.stream);
  h.set(DeadLetterHeaders.consumer, letter.consumer);
  h.set(DeadLetterHeaders.subject, letter.subject);
  h.set(DeadLetterHeaders.sequence, String(letter.sequence));
  h.set(DeadLetterHeaders.reason, letter.reason.slice(0, 1000));
  await js.publish(Subjects.deadLetter(letter.stream), letter.data, { headers: h, msgID: `dead:${letter.stream}:${letter.sequence}` });
}

/** Why a dead letter cannot be put back where it came from; undefined when it can. */
export function unreplayable(letter: DeadLetter): string | undefined {
  const stream = REPLAYABLE_STREAMS.find((s) => s.name === letter.stream);
  if (!stream) return `it came from stream "${letter.stream}", not one of Hallwatch's`;
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('.')
        .map((t) => (t === '*' ? '[^.]+' : t.replace(/[^\w-]/g, '\\$&')))
        .join('\\.')}$`,
    );
  if (!stream.subjects.some((p) => matches(p).test(letter.subject)))
    return `its subject "${letter.subject}" is not one of ${stream.name}'s (${stream.subjects.join(', ')})`;
  return undefined;
}

/** The dead letters matching `filter`, oldest first. */
export async function listDeadLetters(nc: NatsConnection, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const jsm = await nc.jetstreamManager();
  const name = Streams.deadLetters.name;
  const info = await jsm.streams.info(name).catch((err: Error) => {
    if (/stream not found/i.test(err.message)) return undefined;
    throw err;
  });
  if (!info) return [];
  const ids =
    filter.id !== undefined
      ? [filter.id]
      : Array.from({ length: Math.max(0, info.state.last_seq - info.state.first_seq + 1) }, (_, i) => info.state.first_seq + i);
  const letters: DeadLetter[] = [];
  for (const seq of ids) {
    // A gap: replayed (deleted) or expired.
    const stored = await jsm.streams.getMessage(name, { seq }).catch((err: Error) => {
      if (/no message found|not found/i.test(err.message)) return undefined;
      throw err;
    });
    if (!stored) continue;
    const letter = deadLetterOf(stored);
    if (filter.stream === undefined || letter.stream === filter.stream) letters.push(letter);
  }
  return letters;
}

/**
 * Puts a dead letter back on its subject, so its stream's consumers handle it again (every
 * handler is idempotent), then deletes it from the dead letters. Deduplicated by its id: a replay
 * that died between the two steps and is run again stores it once.
 */
export async function replayDeadLetter(nc: NatsConnection, letter: DeadLetter): Promise<void> {
  const why = unreplayable(letter);
  if (why) throw new Error(`dead letter #${letter.id} not replayed: ${why}`);
  await nc.jetstream().publish(letter.subject, letter.data, { msgID: `replay:${letter.id}`, expect: { streamName: letter.stream } });
  await (await nc.jetstreamManager()).streams.deleteMessage(Streams.deadLetters.name, letter.id, false);
}

/** Dead letters per stream they came from (and in all); undefined when NATS does not answer within `timeoutMs`. */
export async function deadLetterCounts(
  nc: NatsConnection,
  timeoutMs = 2000,
): Promise<{ total: number; byStream: Record<string, number> } | undefined> {
  try {
    const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
    const { state } = await jsm.streams.info(Streams.deadLetters.name, { subjects_filter: Subjects.allDeadLetters });
    const prefix = Subjects.deadLetter('');
    const byStream = Object.fromEntries(Object.entries(state.subjects ?? {}).map(([subject, n]) => [subject.slice(prefix.length), n]));
    return { total: state.messages, byStream };
  } catch (err) {
    // Nothing was ever moved aside when the stream does not exist yet.
    return /stream not found/i.test((err as Error).message) ? { total: 0, byStream: {} } : undefined;
  }
}
