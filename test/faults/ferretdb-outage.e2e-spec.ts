import { connect, NatsConnection } from 'nats';
import { eventually, freePort, RunningService, startService } from '../support/e2e';
import { Api, cycleEvents, expectedAbsences, faultSite, OwnedServer, publishAll, tempDir } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const OUTAGE_MS = 30_000;
const cycles = (from: number, to: number) => WINDOWS.flatMap((w) => Array.from({ length: to - from }, (_, i) => cycleEvents(w, from + i)).flat());

describe('FerretDB stopped for 30 s and started again on the same data', () => {
  let nats: OwnedServer;
  let db: OwnedServer;
  let services: RunningService[] = [];
  let nc: NatsConnection;
  let api: Api;

  beforeAll(async () => {
    const dir = tempDir('ferretdb-outage');
    [nats, db] = await Promise.all([OwnedServer.nats(dir), OwnedServer.ferretDb(dir)]);
    const port = await freePort();
    const env = { HALLWATCH_SITE: await faultSite(WINDOWS), NATS_URL: nats.url, MONGODB_URI: `${db.url}/db_outage`, PORT: String(port), HALLWATCH_JWT_SECRET: 'e2e-db-outage' };
    services = [await startService('reporting', env), await startService('gateway', env)];
    api = await Api.login(`http://127.0.0.1:${port}`);
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all([nats?.stop(), db?.stop()]);
  });

  it('stores what arrived during the outage once it is back: nothing lost, nothing duplicated, nothing moved aside', async () => {
    const js = nc.jetstream();
    await publishAll(js, cycles(0, 3));
    expect(await api.untilAbsences(WINDOWS, 3)).toEqual(expectedAbsences(WINDOWS, 3));
    await db.kill();
    const down = Date.now();
    // Published while the database is away: reporting holds them until it can store them.
    await publishAll(js, cycles(3, 6));
    const during = await eventually(async () => {
      const h = await api.health();
      return h.body.services.reporting.status === 'down' ? h.body : undefined;
    }, 20_000, 500);
    expect(during).toMatchObject({ nats: 'ok', deadLetters: 0 });

    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - down)));
    expect(services.map((s) => s.process.exitCode)).toEqual([null, null]);
    await db.restart();
    const up = Date.now();
    await publishAll(js, cycles(6, 9));
    const table = await api.untilAbsences(WINDOWS, 9, 90_000);
    const recoveredMs = Date.now() - up;
    expect(table).toEqual(expectedAbsences(WINDOWS, 9));
    const health = await api.health();
    expect(health.body).toMatchObject({ nats: 'ok', deadLetters: 0, services: { reporting: { status: 'ok', database: 'ok' } } });
    const events = cycles(0, 9).length;
    console.log(
      `FerretDB outage ${OUTAGE_MS / 1000} s: ${events} events in (${cycles(3, 6).length} during the outage); ` +
        `out: ${WINDOWS.map((w) => `${w} ${table[w]!.absenceCount} absences, ${table[w]!.absenceIncidents} incidents`).join('; ')} (expected 9 each: lost 0, duplicated 0, dead letters 0); ` +
        `all records counted ${recoveredMs} ms after FerretDB came back`,
    );
  });
});
