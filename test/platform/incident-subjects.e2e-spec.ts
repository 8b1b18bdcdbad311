/**
 * An installed system upgraded to the incident subjects hallwatch.incident.<windowId>.<event>: its
 * HALLWATCH_INCIDENTS, created under hallwatch.incident.*, is brought to the new subjects by the
 * first service that starts (NatsLink.ensureStream), keeping what it stored.
 */
import { connect, NatsConnection } from 'nats';
import { encodeMessage, IncidentMessage, incidentSubject, Streams } from '@hallwatch/contracts';
import { NatsLink } from '@hallwatch/runtime';

const { name } = Streams.incidents;

describe('HALLWATCH_INCIDENTS of the previous version', () => {
  let nc: NatsConnection;
  beforeAll(async () => (nc = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL })));
  afterAll(async () => {
    // Left as this version wants it, whatever happened above.
    const link = await NatsLink.open(process.env.HALLWATCH_TEST_NATS_URL!, 'e2e-restore', 1, {
      log: () => undefined,
      warn: () => undefined,
    });
    await link.ensureStream(Streams.incidents);
    await link.close();
    await nc.drain();
  });

  it('takes the new subjects, no longer the old ones, and keeps its messages', async () => {
    const jsm = await nc.jetstreamManager();
    const installed = await jsm.streams.info(name).catch(() => null);
    if (installed) await jsm.streams.update(name, { ...installed.config, subjects: ['hallwatch.incident.*'] });
    else await jsm.streams.add({ name, subjects: ['hallwatch.incident.*'] });
    const stored = (await jsm.streams.info(name)).state.messages;

    const lines: string[] = [];
    const link = await NatsLink.open(process.env.HALLWATCH_TEST_NATS_URL!, 'e2e-subjects', 1, {
      log: (m) => lines.push(m),
      warn: (m) => lines.push(m),
    });
    try {
      await link.ensureStream(Streams.incidents);
    } finally {
      await link.close();
    }
    const info = await jsm.streams.info(name);
    expect(info.config.subjects).toEqual(['hallwatch.incident.*.*']);
    expect(info.state.messages).toBe(stored);
    expect(lines).toContainEqual(expect.stringContaining(`stream ${name} reconciled: subjects hallwatch.incident.*.*`));

    // Nothing is stored under an old subject any more (so no consumer meets one); the new ones are
    // checked without storing an incident that later files' consumers would read.
    const js = nc.jetstream();
    const old: IncidentMessage = { id: 'old-1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: new Date().toISOString() };
    await expect(js.publish('hallwatch.incident.absence', encodeMessage(old), { timeout: 2000 })).rejects.toThrow();
    expect((await jsm.streams.info(name)).state.messages).toBe(stored);
    expect(await jsm.streams.find(incidentSubject('opened', old))).toBe(name);
  });
});
