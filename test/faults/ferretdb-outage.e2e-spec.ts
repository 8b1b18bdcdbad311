import { eventually } from '../support/e2e';
import { cyclesOf, expectedAbsences, FaultStack, publishAll } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const OUTAGE_MS = 30_000;

describe('FerretDB stopped for 30 s and started again on the same data', () => {
  const stack = new FaultStack('ferretdb-outage', WINDOWS);
  beforeAll(() => stack.start(['reporting', 'gateway']));
  afterAll(() => stack.stop());

  it('stores what arrived during the outage once it is back: nothing lost, nothing duplicated, nothing moved aside', async () => {
    const { api, db } = stack;
    const js = stack.nc.jetstream();
    await publishAll(js, cyclesOf(WINDOWS, 0, 3));
    expect(await api.untilAbsences(WINDOWS, 3)).toEqual(expectedAbsences(WINDOWS, 3));
    await db.kill();
    const down = Date.now();
    // Published while the database is away: reporting holds them until it can store them.
    await publishAll(js, cyclesOf(WINDOWS, 3, 6));
    const during = await eventually(
      async () => {
        const h = await api.health();
        return h.body.services.reporting.status === 'down' ? h.body : undefined;
      },
      20_000,
      500,
    );
    expect(during).toMatchObject({ nats: 'ok', deadLetters: 0 });

    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - down)));
    expect(stack.allRunning()).toBe(true);
    await db.restart();
    const up = Date.now();
    await publishAll(js, cyclesOf(WINDOWS, 6, 9));
    const table = await api.untilAbsences(WINDOWS, 9, 90_000);
    const recoveredMs = Date.now() - up;
    expect(table).toEqual(expectedAbsences(WINDOWS, 9));
    const health = await api.health();
    expect(health.body).toMatchObject({ nats: 'ok', deadLetters: 0, services: { reporting: { status: 'ok', database: 'ok' } } });
    const events = cyclesOf(WINDOWS, 0, 9).length;
    console.log(
      `FerretDB outage ${OUTAGE_MS / 1000} s: ${events} events in (${cyclesOf(WINDOWS, 3, 6).length} during the outage); ` +
        `out: ${WINDOWS.map((w) => `${w} ${table[w]!.absentPeriods} absences, ${table[w]!.absenceIncidents} incidents`).join('; ')} (expected 9 each: lost 0, duplicated 0, dead letters 0); ` +
        `all records counted ${recoveredMs} ms after FerretDB came back`,
    );
  });
});
