import { encodeMessage, Subjects, waitingCountId, WaitingCountMessage } from '@hallwatch/contracts';
import { eventually, Stack, startStack } from '../support/e2e';

const PASSWORD = 'waiting-count-test-pw';
const DAY = '2024-03-04'; // Asia/Shanghai
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;
const minutes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `09:${String(from + i).padStart(2, '0')}`);

/**
 * The waitingCount series from samples published as inference publishes them (every minute while
 * it judges the hall): in H1's 09:00 hour 0 persons for 10 min, 3 for 20 min, then not known for
 * 30 min (a camera down): mean 2.0 over 30 known minutes, peak 3. Worked out by hand.
 */
describe('the waitingCount series: persons waiting per hall and hour', () => {
  let stack: Stack;
  let admin: string;
  let manager: string;

  beforeAll(async () => {
    stack = await startStack({
      name: 'waiting-count',
      password: PASSWORD,
      users: ['admin', 'manager'],
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: WC1, name: City hall, kind: hall }
  - { id: WC2, name: North hall, kind: hall }
cameras:
  - { id: wc-cam1, hall: WC1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: wc-cam2, hall: WC2, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: WCW1, hall: WC1, name: Tax 1, department: tax, camera: wc-cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: WCW2, hall: WC2, name: Police 1, department: police, camera: wc-cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:00-17:00"] }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
  - { username: manager, passwordHash: "${hash}", role: hall_manager, halls: [WC1] }
`,
    });
    ({ admin, manager } = stack.tokens);
  });

  afterAll(() => stack?.stop());

  const get = (token: string, p: string) => stack.call('GET', p, token);
  type Row = { hallId: string; hour: string; meanWaiting: number | null; peakWaiting: number | null; knownMinutes: number };
  const series = async (token: string, query: string) => {
    const res = await get(token, `/api/stats/waiting?from=${DAY}&to=${DAY}${query}`);
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    return (await res.json()) as Row[];
  };
  const hourOf = (rows: Row[], hallId: string, hhmm: string) =>
    rows.find((r) => r.hallId === hallId && r.hour === new Date(t(hhmm)).toISOString());

  it('gives the hour its time-weighted mean and peak over the known minutes, unknown time never as 0', async () => {
    const js = stack.nc.jetstream();
    const publish = async (m: WaitingCountMessage, subject = Subjects.waitingCount(m.hallId)) =>
      js.publish(subject, encodeMessage(m), { msgID: waitingCountId(m.hallId, Date.parse(m.at)) });
    const samples: WaitingCountMessage[] = [
      ...minutes(0, 10).map((at) => ({ hallId: 'WC1', at: t(at), waiting: 0 })),
      ...minutes(10, 30).map((at) => ({ hallId: 'WC1', at: t(at), waiting: 3 })),
      ...minutes(30, 60).map((at) => ({ hallId: 'WC1', at: t(at), waiting: null })),
    ];
    for (const m of samples) await publish(m);
    await publish(samples[15]); // redelivered: counted once
    // On another hall's subject: moved to the dead letters, counted for neither hall.
    await publish({ hallId: 'WC1', at: `${DAY}T09:15:30+08:00`, waiting: 50 }, Subjects.waitingCount('WC2'));

    const rows = await eventually(async () => {
      const r = await series(admin, '');
      return hourOf(r, 'WC1', '09:00')?.knownMinutes === 30 ? r : undefined;
    }, 60_000);
    expect(hourOf(rows, 'WC1', '09:00')).toEqual({
      hallId: 'WC1',
      hour: new Date(t('09:00')).toISOString(),
      meanWaiting: 2,
      peakWaiting: 3,
      knownMinutes: 30,
    });
    // The last known count stood until the next sample; the hours around were never counted.
    for (const hhmm of ['08:00', '10:00'])
      expect(hourOf(rows, 'WC1', hhmm)).toMatchObject({ meanWaiting: null, peakWaiting: null, knownMinutes: 0 });
    expect(rows.filter((r) => r.hallId === 'WC2').every((r) => r.knownMinutes === 0 && r.peakWaiting === null)).toBe(true);
    expect(rows.filter((r) => r.hallId === 'WC1')).toHaveLength(24);
  });

  it('shows a hall manager only their halls, and refuses another hall by name', async () => {
    const own = await series(manager, '');
    expect([...new Set(own.map((r) => r.hallId))]).toEqual(['WC1']);
    expect((await get(manager, `/api/stats/waiting?from=${DAY}&to=${DAY}&hall=WC2`)).status).toBe(403);
    const backwards = await get(admin, `/api/stats/waiting?from=${DAY}&to=2024-03-01`);
    expect(backwards.status).toBe(400);
  });
});
