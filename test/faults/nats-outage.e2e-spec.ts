import { eventually } from '../support/e2e';
import { cyclesOf, expectedAbsences, FaultStack, publishAll } from '../support/faults';

const WINDOWS = ['W1', 'W2'];
const OUTAGE_MS = 60_000;

describe('NATS stopped for 60 s and started again on the same store', () => {
  const stack = new FaultStack('nats-outage', WINDOWS);
  beforeAll(() => stack.start(['ingestion', 'inference', 'reporting', 'gateway']));
  afterAll(() => stack.stop());

  it('every service answers /api/health within 30 s after, and no presence interval or incident is lost or duplicated', async () => {
    const { api } = stack;
    const nats = stack.nats!;
    const allOk = async () => {
      const h = await api.health();
      return h.body.status === 'ok' ? h.body : undefined;
    };
    await eventually(allOk, 60_000, 500);
    const js = stack.nc.jetstream();
    await publishAll(js, cyclesOf(WINDOWS, 0, 3));
    expect(await api.untilAbsences(WINDOWS, 3)).toEqual(expectedAbsences(WINDOWS, 3));
    // Stored by JetStream, then NATS crashes before (or while) reporting consumes them.
    await publishAll(js, cyclesOf(WINDOWS, 3, 6));
    await nats.kill();
    const down = Date.now();

    // While NATS is away, health answers at once and says so.
    const asked = Date.now();
    const during = await api.health();
    const answeredInMs = Date.now() - asked;
    expect(during.body).toMatchObject({
      status: 'degraded',
      nats: 'down',
      services: { inference: { status: 'down' }, reporting: { status: 'down' }, ingestion: { status: 'down' } },
    });
    expect(answeredInMs).toBeLessThan(10_000);

    await new Promise((r) => setTimeout(r, OUTAGE_MS - (Date.now() - down)));
    // Every process is still there: none gave up, none needs a supervisor.
    expect(stack.allRunning()).toBe(true);
    await nats.restart();
    const up = Date.now();
    await eventually(allOk, 30_000, 500);
    const healthBackMs = Date.now() - up;

    await publishAll(js, cyclesOf(WINDOWS, 6, 9));
    const table = await api.untilAbsences(WINDOWS, 9, 90_000);
    const recordsBackMs = Date.now() - up;
    expect(table).toEqual(expectedAbsences(WINDOWS, 9));
    const events = cyclesOf(WINDOWS, 0, 9).length;
    console.log(
      `NATS outage ${OUTAGE_MS / 1000} s: ${events} events in (${(events * 3) / 5} presence changes, ${(events * 2) / 5} incident messages); ` +
        `out: ${WINDOWS.map((w) => `${w} ${table[w]!.absentPeriods} absences, ${table[w]!.absenceIncidents} incidents`).join('; ')} (expected 9 each: lost 0, duplicated 0); ` +
        `health during the outage answered in ${answeredInMs} ms; every service healthy ${healthBackMs} ms after NATS came back; all records counted after ${recordsBackMs} ms`,
    );
  });
});
