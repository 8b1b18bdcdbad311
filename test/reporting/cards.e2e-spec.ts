import { Subscription } from 'nats';
import { CardMessage, encodeMessage, Subjects } from '@hallwatch/contracts';
import { addDays, localDate } from '@hallwatch/stats';
import { eventually, Stack, startStack } from '../support/e2e';

const PASSWORD = 'cards-test-pw';
const MIN = 60_000;
const TZ = 'Asia/Shanghai';

/**
 * Cases in flight and their yellow and red cards (issue 22, items 1 and 2), on real reporting and
 * gateway processes. The test calendar is open every day around the clock, the yellow threshold
 * 1 hour; the periodic check runs every second. Times are relative to now.
 */
describe('cases in flight: yellow and red cards', () => {
  let stack: Stack;
  let published: Subscription;
  const cardsSeen: CardMessage[] = [];
  let admin: string;
  let managerH1: string;
  let managerH2: string;
  const now = Date.now();
  const iso = (offsetMinutes: number) => new Date(now + offsetMinutes * MIN).toISOString();

  beforeAll(async () => {
    stack = await startStack({
      name: 'cards',
      password: PASSWORD,
      users: ['admin', 'manager1', 'manager2'],
      env: { HALLWATCH_CARD_CHECK_SECONDS: '1' },
      beforeServices: async ({ nc }) => {
        published = nc.subscribe(Subjects.supervisionCard);
        void (async () => {
          for await (const m of published) cardsSeen.push(m.json<CardMessage>());
        })();
      },
      site: (hash) => `
timezone: ${TZ}
halls:
  - { id: H1, name: City hall, kind: hall }
  - { id: H2, name: North hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam2, hall: H2, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: Tax 1, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H2, name: Police 1, department: police, camera: cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
supervision: { yellowBefore: 1h }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
  - { username: manager1, passwordHash: "${hash}", role: hall_manager, halls: [H1] }
  - { username: manager2, passwordHash: "${hash}", role: hall_manager, halls: [H2] }
`,
    });
    ({ admin, manager1: managerH1, manager2: managerH2 } = stack.tokens);
  });

  afterAll(() => stack?.stop());

  const post = async (token: string, cases: Record<string, unknown>[]) => {
    const res = await stack.call('POST', '/api/cases', token, { cases });
    expect(res.status).toBe(200);
    return (await res.json()) as { accepted: number; rejected: number; results: Record<string, unknown>[] };
  };
  const get = (token: string, path: string) => stack.call('GET', path, token);
  const cards = (token: string, query = '') =>
    stack.get<CardMessage[]>(`/api/cards?from=${encodeURIComponent(iso(-24 * 60))}${query}`, token);
  const of = (list: CardMessage[], caseId: string) => list.filter((c) => c.caseId === caseId).map((c) => c.color);
  /** A case taken `takenMinutes` ago at W1 by S1, due `deadlineMinutes` from now, entering `status` `atMinutes` from now. */
  const update = (caseId: string, status: string, atMinutes: number, deadlineMinutes: number, windowId = 'W1') => ({
    caseId,
    windowId,
    staffId: windowId === 'W1' ? 'S1' : 'S2',
    serviceItem: '营业执照',
    takenAt: iso(-120),
    deadline: iso(deadlineMinutes),
    status,
    at: iso(atMinutes),
  });

  it('gives a yellow card at once to a case accepted 30 minutes before its deadline, a red one to a case past it', async () => {
    const answer = await post(admin, [
      { ...update('yellow-1', 'accepted', -1, 30), stage: '受理' },
      update('red-1', 'in-progress', -5, -10),
      update('red-2', 'accepted', -5, -20, 'W2'),
    ]);
    expect(answer).toMatchObject({ accepted: 3, rejected: 0 });
    // Issued before the answer: no waiting for the periodic check.
    const list = await cards(admin);
    expect(of(list, 'yellow-1')).toEqual(['yellow']);
    expect(list.find((c) => c.caseId === 'yellow-1')).toEqual({
      caseId: 'yellow-1',
      color: 'yellow',
      at: iso(-30), // the deadline (in 30 minutes) less the 1-hour threshold
      issuedAt: expect.any(String),
      deadline: iso(30),
      windowId: 'W1',
      hallId: 'H1',
      department: 'tax',
      staffId: 'S1',
      serviceItem: '营业执照',
      status: 'accepted',
      stage: '受理',
    });
    // Found already past its deadline: the red card only.
    expect(of(list, 'red-1')).toEqual(['red']);
    expect(list.find((c) => c.caseId === 'red-1')).toMatchObject({ at: iso(-10), status: 'in-progress', hallId: 'H1' });
    expect(of(list, 'red-2')).toEqual(['red']);
    // Each card is published once on hallwatch.supervision.card.
    await eventually(async () => (cardsSeen.length >= 3 ? true : undefined), 10_000);
    expect(cardsSeen.map((c) => `${c.caseId}:${c.color}`).sort()).toEqual(['red-1:red', 'red-2:red', 'yellow-1:yellow']);
  });

  it('gives a card when the periodic check finds the case past its yellow point, and none to a case completed in time', async () => {
    // Yellow point 5 seconds from now: not yet when posted.
    const soon = { ...update('yellow-2', 'accepted', -1, 0), deadline: new Date(Date.now() + 60 * MIN + 5000).toISOString() };
    const inTime = update('done-1', 'accepted', -10, 90); // yellow point in 30 minutes
    await post(admin, [soon, inTime]);
    expect(of(await cards(admin), 'yellow-2')).toEqual([]);
    await eventually(async () => (of(await cards(admin), 'yellow-2').length === 1 ? true : undefined), 15_000);
    // done-1 is completed well before its yellow point: no card, now or later.
    const { at: _at, ...accepted } = inTime;
    const completed = await post(admin, [
      { ...accepted, status: 'completed', calledAt: iso(-110), startedAt: iso(-105), finishedAt: iso(-2), satisfaction: 5 },
    ]);
    expect(completed.results).toEqual([{ row: 0, caseId: 'done-1', accepted: true }]);
    await new Promise((r) => setTimeout(r, 2500));
    expect(of(await cards(admin), 'done-1')).toEqual([]);
  });

  it('moves the deadline by the time a case was suspended (hallwatch.cases, updates in any order)', async () => {
    // Due 30 minutes ago, but suspended 60 to 50 minutes ago: due 20 minutes ago, so red from then.
    const js = stack.nc.jetstream();
    const send = (status: string, at: number) => js.publish(Subjects.cases, encodeMessage(update('suspended-1', status, at, -30)));
    await send('suspended', -60);
    await send('accepted', -65); // arrives late: joins the history
    await send('in-progress', -50);
    const red = await eventually(async () => (await cards(admin)).find((c) => c.caseId === 'suspended-1' && c.color === 'red'), 15_000);
    expect(red).toMatchObject({ at: iso(-20), deadline: iso(-20), status: 'in-progress' });
    // While it was suspended (the first update alone) its clock stood: only a yellow warning came before.
    expect(of(await cards(admin), 'suspended-1').sort()).toEqual(['red', 'yellow']);
  });

  it('flags a refusal without a reason, and keeps finished cases without a status as they always were', async () => {
    const finished = {
      caseId: 'old-1',
      windowId: 'W1',
      staffId: 'S1',
      serviceItem: '营业执照',
      takenAt: iso(-100),
      calledAt: iso(-95),
      startedAt: iso(-95),
      finishedAt: iso(-30),
      deadline: iso(-40),
    };
    const answer = await post(admin, [finished, { ...finished, caseId: 'refused-1', status: 'refused' }]);
    expect(answer.results).toEqual([
      { row: 0, caseId: 'old-1', accepted: true },
      { row: 1, caseId: 'refused-1', accepted: true, warning: 'refused without a reason: flagged' },
    ]);
    // Finished late, but never seen in flight: no card (the on-time rate counts it, as before).
    expect(of(await cards(admin), 'old-1')).toEqual([]);
  });

  it('lists cards by hall and color, each hall manager those of their own halls only', async () => {
    expect(of(await cards(admin, '&hall=H2'), 'red-2')).toEqual(['red']);
    expect((await cards(admin, '&hall=H2')).map((c) => c.hallId)).toEqual(['H2']);
    const reds = await cards(admin, '&color=red');
    expect(reds.every((c) => c.color === 'red')).toBe(true);
    expect(reds.map((c) => c.caseId).sort()).toEqual(['red-1', 'red-2', 'suspended-1']);
    expect((await cards(admin, '&color=yellow')).map((c) => c.caseId).sort()).toEqual(['suspended-1', 'yellow-1', 'yellow-2']);
    expect(new Set((await cards(managerH1)).map((c) => c.hallId))).toEqual(new Set(['H1']));
    expect((await cards(managerH2)).map((c) => c.caseId)).toEqual(['red-2']);
    expect((await get(managerH2, '/api/cards?hall=H1')).status).toBe(403);
    expect((await get(admin, '/api/cards?color=green')).status).toBe(400);
    expect((await get(admin, '/api/cards?from=2026-01-01T00:00:00')).status).toBe(400);
  });

  it('counts the cards in the throughput and evaluation tables, red ones at the documented weight', async () => {
    const today = localDate(TZ, Date.now());
    const period = `from=${addDays(today, -1)}&to=${today}&groupBy=window`;
    const rows = async (table: string) => {
      const res = await get(admin, `/api/stats/${table}?${period}`);
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>[];
    };
    // W1: red-1 and suspended-1 red; yellow-1, yellow-2 and suspended-1 yellow. Nothing else is deducted.
    expect((await rows('evaluation')).find((r) => r.window === 'W1')).toMatchObject({
      yellowCards: 3,
      redCards: 2,
      deductionPerRedCard: 3,
      deductions: 6,
    });
    const throughput = await rows('throughput');
    expect(throughput.find((r) => r.window === 'W1')).toMatchObject({ yellowCards: 3, redCards: 2 });
    expect(throughput.find((r) => r.window === 'W2')).toMatchObject({ yellowCards: 0, redCards: 1 });
  });
});
