import { connect, NatsConnection } from 'nats';
import { natsConnectionOptions } from '@hallwatch/runtime';
import { eventually, freePort, RunningService, startService } from '../support/e2e';
import { Api, cycleEvents, expectedAbsences, faultSite, OwnedServer, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const OUTAGE_MS = 60_000;
const cycles = (from: number, to: number) => WINDOWS.flatMap((w) => Array.from({ length: to - from }, (_, i) => cycleEvents(w, from + i)).flat());

describe('NATS stopped for 60 s and started again on the same store', () => {
  let nats: OwnedServer;
  let db: OwnedServer;
  let services: RunningService[] = [];
  let nc: NatsConnection;
  let api: Api;

  beforeAll(async () => {
    const dir = tempDir('nats-outage');
    [nats, db] = await Promise.all([OwnedServer.nats(dir), OwnedServer.ferretDb(dir)]);
    const port = await freePort();
    const env = { HALLWATCH_SITE: await faultSite(WINDOWS), NATS_URL: nats.url, MONGODB_URI: `${db.url}/nats_outage`, PORT: String(port), HALLWATCH_JWT_SECRET: 'e2e-nats-outage' };
    for (const service of ['ingestion', 'inference', 'reporting', 'gateway']) services.push(await startService(service, env));
    api = await Api.login(`http://127.0.0.1:${port}`);
    nc = await connect(natsConnectionOptions(nats.url, 'e2e-publisher'));
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all([nats?.stop(), db?.stop()]);
  });

  it('every service answers /api/health within 30 s after, and no presence interval or incident is lost or duplicated', async () => {
    const allOk = async () => {
      const h = await api.health();
      return h.body.status === 'ok' ? h.body : undefined;
    };
    await eventually(allOk, 60_000, 500);
    const js = nc.jetstream();
    await publishAll(js, cycles(0, 3));
    expect(await api.untilAbsences(WINDOWS, 3)).toEqual(expectedAbsences(WINDOWS, 3));
    // Stored by JetStream, then NATS crashes before (or while) reporting consumes them.
    await publishAll(js, cycles(3, 6));
    await nats.kill();
    const down = Date.now();

    // While NATS is away, health answers at once and says so.
    const asked = Date.now();
    const during = await api.health();
    const answeredInMs = Date.now() - asked;
    expect(during.body).toMatchObject({ status: 'degraded', nats: 'down', services: { inference: { status: 'down' }, reporting: { status: 'down' }, ingestion: { status: 'down' } } });
    expect(answeredInMs).toBeLessThan(10_000);

    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - down)));
    // Every process is still there: none gave up and none needs a supervisor.
    expect(services.map((s) => s.process.exitCode)).toEqual([null, null, null, null]);
    await nats.restart();
    const up = Date.now();
    await eventually(allOk, 30_000, 500);
    const healthBackMs = Date.now() - up;

    await publishAll(js, cycles(6, 9));
    const table = await api.untilAbsences(WINDOWS, 9, 90_000);
    const recordsBackMs = Date.now() - up;
    expect(table).toEqual(expectedAbsences(WINDOWS, 9));
    const events = cycles(0, 9).length;
    console.log(
      `NATS outage ${OUTAGE_MS / 1000} s: ${events} events in (${(events * 3) / 5} presence changes, ${(events * 2) / 5} incident messages); ` +
        `out: ${WINDOWS.map((w) => `${w} ${table[w]!.absenceCount} absences, ${table[w]!.absenceIncidents} incidents`).join('; ')} (expected 9 each: lost 0, duplicated 0); ` +
        `health during the outage answered in ${answeredInMs} ms; every service healthy ${healthBackMs} ms after NATS came back; all records counted after ${recordsBackMs} ms`,
    );
  });
});
