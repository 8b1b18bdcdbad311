import mongoose from 'mongoose';
import { AckPolicy, DeliverPolicy } from 'nats';
import { DeadLetterHeaders, Streams, Subjects } from '@hallwatch/contracts';
import { BACKOFF_MS, MAX_DELIVER } from '@hallwatch/runtime';
import { eventually, runCli } from '../support/e2e';
import { cycleEvents, expectedAbsences, FaultStack, publishAll } from '../support/faults';

const WINDOWS = ['W1'];

describe('a poison message: moved to the dead-letter stream after max_deliver, and the consumer goes on', () => {
  const stack = new FaultStack('poison', WINDOWS);
  beforeAll(() =>
    stack.start(['reporting', 'gateway'], {
      // As an earlier version left them: no limits, and a consumer retrying every message for ever.
      prepare: async (nc) => {
        const jsm = await nc.jetstreamManager();
        await jsm.streams.add({ name: Streams.presence.name, subjects: [...Streams.presence.subjects] });
        await jsm.consumers.add(Streams.presence.name, {
          durable_name: 'reporting',
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          max_ack_pending: 64,
        });
      },
    }),
  );
  afterAll(() => stack.stop());

  it('moves an undecodable message at once and a message failing every delivery after the last one; later messages are stored', async () => {
    const { api, nc } = stack;
    // A damaged record in reporting's database: the day's changes are text, not a list, so storing
    // a change of that day fails on every delivery however valid the message is.
    const conn = await mongoose.createConnection(`${stack.db.url}/poison`).asPromise();
    await conn
      .collection('presence_days')
      .insertOne({ _id: 'W1|2024-06-03', windowId: 'W1', hallId: 'H1', date: '2024-06-03', changes: 'damaged' } as never);
    await conn.close();
    const js = nc.jetstream();
    await publishAll(js, cycleEvents('W1', 0));
    await publishAll(js, [
      // Not a presence message at all: no delivery can help it.
      { subject: Subjects.presence('W1'), body: Buffer.from('{"windowId": "W1", "state": "sleeping"}'), id: 'undecodable' },
      {
        subject: Subjects.presence('W1'),
        body: { windowId: 'W1', hallId: 'H1', state: 'absent', since: '2024-06-03T10:00:00+08:00', at: '2024-06-03T10:00:00+08:00' },
        id: 'poison',
      },
    ]);
    await publishAll(
      js,
      [1, 2].flatMap((c) => cycleEvents('W1', c)),
    );

    expect(await api.untilAbsences(WINDOWS, 3)).toEqual(expectedAbsences(WINDOWS, 3));
    const health = await eventually(
      async () => {
        const h = await api.health();
        return h.body.deadLetters === 2 ? h.body : undefined;
      },
      120_000,
      1000,
    );
    expect(health).toMatchObject({
      nats: 'ok',
      deadLetters: 2,
      deadLettersByStream: { [Streams.presence.name]: 2 },
      services: { reporting: { status: 'ok' } },
    });

    const jsm = await nc.jetstreamManager();
    const letters = await Promise.all([1, 2].map((seq) => jsm.streams.getMessage(Streams.deadLetters.name, { seq })));
    const byReason = letters.map((m) => ({
      stream: m.header.get(DeadLetterHeaders.stream),
      subject: m.header.get(DeadLetterHeaders.subject),
      reason: m.header.get(DeadLetterHeaders.reason),
      body: Buffer.from(m.data).toString(),
    }));
    expect(byReason).toEqual(
      expect.arrayContaining([
        {
          stream: Streams.presence.name,
          subject: 'hallwatch.presence.W1',
          reason: expect.stringMatching(/state must be one of/),
          body: '{"windowId": "W1", "state": "sleeping"}',
        },
        {
          stream: Streams.presence.name,
          subject: 'hallwatch.presence.W1',
          reason: expect.stringMatching(new RegExp(`^failed ${MAX_DELIVER} deliveries`)),
          body: expect.stringContaining('2024-06-03T10:00:00+08:00'),
        },
      ]),
    );
    // Nothing left waiting or in flight on the consumer: it went on past both.
    const consumer = await jsm.consumers.info(Streams.presence.name, 'reporting');
    expect([consumer.num_pending, consumer.num_ack_pending, consumer.config.max_deliver]).toEqual([0, 0, MAX_DELIVER]);
    expect(consumer.config.backoff).toEqual(BACKOFF_MS.map((ms) => ms * 1e6));
    expect((await jsm.streams.info(Streams.presence.name)).config).toMatchObject({
      max_age: Streams.presence.maxAgeMs * 1e6,
      max_bytes: Streams.presence.maxBytes,
    });
    // The redeliveries stored nothing twice.
    expect(await api.untilAbsences(WINDOWS, 3, 0)).toEqual(expectedAbsences(WINDOWS, 3));
  });

  it('moves aside a message no instance ever acknowledged (its handler died on every delivery)', async () => {
    const { api, nc } = stack;
    const reporting = stack.services[0].process;
    // Reporting frozen; this test takes its deliveries as an instance that dies before acking would.
    reporting.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 6000)); // its last pull (5 s) expires unanswered
      await publishAll(nc.jetstream(), [
        {
          subject: Subjects.presence('W9'),
          body: { windowId: 'W9', hallId: 'H1', state: 'staffed', since: '2024-03-05T01:00:00Z', at: '2024-03-05T01:00:00Z' },
          id: 'never-acked',
        },
      ]);
      const consumer = await nc.jetstream().consumers.get(Streams.presence.name, 'reporting');
      for (let delivery = 1; delivery <= MAX_DELIVER; delivery++) {
        const m = await consumer.next({ expires: 30_000 });
        expect([m?.subject, m?.info.redeliveryCount]).toEqual(['hallwatch.presence.W9', delivery]);
      }
    } finally {
      reporting.kill('SIGCONT');
    }
    const health = await eventually(
      async () => {
        const h = await api.health();
        return h.body.deadLetters === 3 ? h.body : undefined;
      },
      60_000,
      1000,
    );
    expect(health.deadLetters).toBe(3);
    const letter = await (await nc.jetstreamManager()).streams.getMessage(Streams.deadLetters.name, { seq: 3 });
    expect([letter.header.get(DeadLetterHeaders.subject), letter.header.get(DeadLetterHeaders.reason)]).toEqual([
      'hallwatch.presence.W9',
      `not acknowledged after ${MAX_DELIVER} deliveries`,
    ]);
  });

  it('lists the dead letters and replays one once its cause is fixed: stored, and gone from the dead letters', async () => {
    const { api } = stack;
    const cli = (...args: string[]) => runCli(['deadletters', ...args], stack.env, 60_000);
    const list = await cli('list', '--stream', Streams.presence.name);
    expect([list.status, list.stderr]).toEqual([0, '']);
    const lines = list.stdout.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('3 dead letter(s)');
    const poison = lines.find((l) => l.includes('failed 5 deliveries'))!;
    expect(poison).toMatch(
      /^#\d+ HALLWATCH_PRESENCE #\d+ hallwatch\.presence\.W1 \(consumer reporting\) moved aside \S+Z: failed 5 deliveries/,
    );
    const id = /^#(\d+)/.exec(poison)![1];
    expect((await cli('list', '--stream', Streams.cases.name)).stdout).toBe('0 dead letter(s)\n');
    const bad = await cli('replay', '--id', 'first');
    expect([bad.status, bad.stderr]).toEqual([
      1,
      expect.stringMatching(/option '--id <n>' argument 'first' is invalid\. must be the number of a dead letter/),
    ]);

    // The cause fixed: the damaged record repaired.
    const conn = await mongoose.createConnection(`${stack.db.url}/poison`).asPromise();
    await conn.collection('presence_days').deleteOne({ _id: 'W1|2024-06-03' } as never);
    const replay = await cli('replay', '--id', id);
    expect([replay.status, replay.stdout]).toEqual([0, `replayed #${id} to hallwatch.presence.W1\nreplayed 1 dead letter(s)\n`]);
    try {
      const stored = await eventually(
        async () => (await conn.collection('presence_days').findOne({ _id: 'W1|2024-06-03' } as never)) ?? undefined,
        60_000,
      );
      expect(JSON.stringify(stored)).toContain('absent');
    } finally {
      await conn.close();
    }
    const health = await eventually(async () => {
      const h = (await api.health()).body;
      return h.deadLetters === 2 ? h : undefined;
    }, 30_000);
    expect(health.deadLettersByStream).toEqual({ [Streams.presence.name]: 2 });
    expect((await cli('list', '--id', id)).stdout).toBe('0 dead letter(s)\n');
  });
});
