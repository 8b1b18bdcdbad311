import { encodeMessage, PresenceMessage, QueueEventMessage, Subjects } from '@hallwatch/contracts';
import { eventually, Stack, startStack } from '../support/e2e';

/**
 * Issue 23, item 4: waiting and service times of a hand-made day of cases, imported through the
 * real API (cases) and NATS (presence, queue events) into the running services, against figures
 * worked out by hand. Quantiles are R-7: p at rank (n − 1) × p of the sorted values, interpolated.
 */
const PASSWORD = 'waits-test-pw';
const DAY = '2024-03-04'; // a Monday, long over; Asia/Shanghai
const t = (hhmm: string) => `${DAY}T${hhmm}:00+08:00`;

function served(caseId: string, windowId: string, staffId: string, taken: string, called: string, started: string, finished: string) {
  return {
    caseId,
    windowId,
    staffId,
    serviceItem: '营业执照',
    takenAt: t(taken),
    calledAt: t(called),
    startedAt: t(started),
    finishedAt: t(finished),
    deadline: t('17:00'),
    status: 'completed',
  };
}

describe('waiting and service times from the queue data (issue 23, item 4)', () => {
  let stack: Stack;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({
      name: 'waits',
      password: PASSWORD,
      users: ['admin'],
      // rules.waitTarget 20 min instead of the default 30.
      site: (hash) => `
timezone: Asia/Shanghai
halls:
  - { id: H1, name: City hall, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: Tax 1, department: tax, camera: cam1, zone: [[0,0],[0.5,0],[0.5,1]] }
  - { id: W2, hall: H1, name: Tax 2, department: tax, camera: cam1, zone: [[0.5,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00"] }
rules: { waitTarget: 20m }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
`,
    });
    admin = stack.tokens.admin;
  });

  afterAll(() => stack?.stop());

  const rows = (p: string) => stack.get<Record<string, unknown>[]>(p, admin);
  const period = `from=${DAY}&to=${DAY}`;

  it('gives p50, p90, the share over rules.waitTarget, no-shows, handling times and idle time as worked out by hand', async () => {
    const js = stack.nc.jetstream();
    // W1's seat staffed all the morning; its queue session (S1) open 09:00-10:00.
    const presence: [PresenceMessage['state'], string][] = [
      ['staffed', '09:00'],
      ['closed', '12:00'],
    ];
    for (const [state, at] of presence)
      await js.publish(Subjects.presence('W1'), encodeMessage({ windowId: 'W1', hallId: 'H1', state, since: t(at), at: t(at) }));
    const queue: [QueueEventMessage['event'], string][] = [
      ['login', '09:00'],
      ['logout', '10:00'],
    ];
    for (const [event, at] of queue)
      await js.publish(Subjects.queue('W1'), encodeMessage({ windowId: 'W1', staffId: 'S1', event, at: t(at) }));

    const post = await stack.call('POST', '/api/cases', admin, {
      cases: [
        served('a1', 'W1', 'S1', '09:00', '09:05', '09:06', '09:15'), // wait 5, handling 9
        served('a2', 'W1', 'S1', '09:02', '09:20', '09:20', '09:32'), // wait 18, handling 12
        served('a3', 'W1', 'S1', '09:05', '09:40', '09:41', '09:50'), // wait 35 (over 20), handling 9
        // Called at 09:55, never started: a no-show (its day is over).
        {
          caseId: 'n1',
          windowId: 'W1',
          staffId: 'S1',
          serviceItem: '营业执照',
          takenAt: t('09:10'),
          calledAt: t('09:55'),
          deadline: t('17:00'),
          status: 'accepted',
          at: t('09:55'),
        },
        served('b1', 'W2', 'S2', '09:00', '09:10', '09:10', '09:30'), // wait 10, handling 20
        served('b2', 'W2', 'S2', '09:30', '09:50', '09:50', '09:54'), // wait 20 (not over 20), handling 4
        served('b3', 'W2', 'S2', '09:31', '10:01', '10:01', '10:11'), // wait 30 (over 20), handling 10
      ],
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toMatchObject({ accepted: 7, rejected: 0 });

    // W1: waits 5 18 35 → p50 18; p90 at rank 2 × 0.9 = 1.8: 18 + 0.8 × (35 − 18) = 31.6; over 20: 1 of 3 = 0.3333.
    //     handling 9 9 12 → p50 9; p90 at rank 1.8: 9 + 0.8 × 3 = 11.4. One no-show (n1).
    // W2: waits 10 20 30 → p50 20; p90: 20 + 0.8 × 10 = 28; over 20: 1 of 3 (20 is not over).
    //     handling 4 10 20 → p50 10; p90: 10 + 0.8 × 10 = 18. No no-show.
    const W1 = { casesHandled: 3, medianWaitMinutes: 18, p90WaitMinutes: 31.6, waitOverTargetRate: 0.3333, noShows: 1 };
    const W1_HANDLING = { medianHandlingMinutes: 9, p90HandlingMinutes: 11.4 };
    const W2 = { casesHandled: 3, medianWaitMinutes: 20, p90WaitMinutes: 28, waitOverTargetRate: 0.3333, noShows: 0 };
    const W2_HANDLING = { medianHandlingMinutes: 10, p90HandlingMinutes: 18 };
    const byWindow = await eventually(async () => {
      const r = await rows(`/api/stats/throughput?${period}&groupBy=window`);
      return r.find((x) => x.window === 'W1')?.noShows === 1 && r.find((x) => x.window === 'W2')?.casesHandled === 3 ? r : undefined;
    });
    expect(byWindow.find((x) => x.window === 'W1')).toMatchObject({ ...W1, ...W1_HANDLING });
    expect(byWindow.find((x) => x.window === 'W2')).toMatchObject({ ...W2, ...W2_HANDLING });

    // By staff: S1 served only at W1, S2 only at W2.
    const byStaff = await rows(`/api/stats/throughput?${period}&groupBy=staff`);
    expect(byStaff.find((x) => x.staff === 'S1')).toMatchObject({ ...W1, ...W1_HANDLING });
    expect(byStaff.find((x) => x.staff === 'S2')).toMatchObject({ ...W2, ...W2_HANDLING });

    // The hall (and its one department, tax): waits 5 10 18 20 30 35 → p50 at rank 2.5: (18 + 20) / 2 = 19;
    // p90 at rank 5 × 0.9 = 4.5: 30 + 0.5 × 5 = 32.5; over 20: 30 and 35, 2 of 6 = 0.3333.
    // Handling 4 9 9 10 12 20 → p50 (9 + 10) / 2 = 9.5; p90 at rank 4.5: 12 + 0.5 × 8 = 16. One no-show.
    const HALL = {
      casesHandled: 6,
      medianWaitMinutes: 19,
      p90WaitMinutes: 32.5,
      waitOverTargetRate: 0.3333,
      noShows: 1,
      medianHandlingMinutes: 9.5,
      p90HandlingMinutes: 16,
    };
    expect((await rows(`/api/stats/throughput?${period}&groupBy=hall`)).find((x) => x.hall === 'H1')).toMatchObject(HALL);
    expect((await rows(`/api/stats/throughput?${period}&groupBy=department`)).find((x) => x.department === 'tax')).toMatchObject(HALL);

    // W1's session open 09:00-10:00 with the seat staffed: 60 min, less called-to-finished 09:05-09:15,
    // 09:20-09:32 and 09:40-09:50 (10 + 12 + 10 = 32; the no-show's call keeps nobody busy) = 28 idle minutes.
    // W2 had no session: 0.
    const attendance = await eventually(async () => {
      const r = await rows(`/api/stats/attendance?${period}&groupBy=window`);
      return r.find((x) => x.window === 'W1')?.idleWhileOpenMinutes === 28 ? r : undefined;
    });
    expect(attendance.find((x) => x.window === 'W2')).toMatchObject({ idleWhileOpenMinutes: 0 });
    expect((await rows(`/api/stats/attendance?${period}&groupBy=staff`)).find((x) => x.staff === 'S1')).toMatchObject({
      idleWhileOpenMinutes: 28,
    });
  });

  it("exports the figures with the console's labels: minutes, shares as %, counts", async () => {
    const res = await stack.call('GET', `/api/stats/throughput?${period}&groupBy=hall&format=csv`, admin);
    expect(res.status).toBe(200);
    const [header, h1] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    const cell = (label: string) => h1[header.indexOf(label)];
    expect([cell('等候时长中位数(分钟)'), cell('等候时长90分位(分钟)'), cell('等候超时率'), cell('过号数(叫号未到)')]).toEqual([
      '19.00',
      '32.50',
      '33.3%',
      '1',
    ]);
    const attendance = await stack.call('GET', `/api/stats/attendance?${period}&groupBy=window&format=csv`, admin);
    const [head, ...lines] = (await attendance.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map((l) => l.split(','));
    const w1 = lines.find((l) => l[0] === 'Tax 1')!;
    expect(w1[head.indexOf('在岗开放叫号空闲时长(分钟)')]).toBe('28.00');
  });
});
