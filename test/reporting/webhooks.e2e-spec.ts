import { createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { MongoClient } from 'mongodb';
import { connect, JetStreamClient, NatsConnection } from 'nats';
import { encodeMessage, incidentSubject, IncidentMessage, Subjects } from '@hallwatch/contracts';
import { eventually, freePort, RunningService, startService, testDatabaseUri, writeSiteFile } from '../support/e2e';

const MIN = 60_000;
const SECRET_A = `a-${randomBytes(8).toString('hex')}`;
const SECRET_B = `b-${randomBytes(8).toString('hex')}`;
/** Halls of this run only: the streams are shared with other test files, whose events must match no webhook here. */
const RUN = randomBytes(3).toString('hex');
const HALL_A = `HA${RUN}`;
const HALL_B = `HB${RUN}`;
/** Failures the receiver answers for each idempotency key before it answers 200. */
const FAILURES = 2;

interface Received {
  path: string;
  key: string;
  event: string;
  signature: string;
  body: string;
  answered: number;
}

/**
 * Outgoing webhooks (issue 22, item 6) on a real reporting process, real NATS and the test
 * database: a receiver started here answers 500 twice per idempotency key, then 200. Every event
 * must reach it with a valid signature (recomputed here from the secret) until that 200, and
 * never after: once per key. Hall A's webhook must see nothing of hall B, and B's nothing of A.
 */
describe('outgoing webhooks', () => {
  let reporting: RunningService;
  let env: Record<string, string>;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let receiver: http.Server;
  let mongo: MongoClient;
  let dbUri: string;
  const received: Received[] = [];
  const tries = new Map<string, number>();

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        const n = (tries.get(`${req.url}|${key}`) ?? 0) + 1;
        tries.set(`${req.url}|${key}`, n);
        const answered = n <= FAILURES ? 500 : 200;
        received.push({
          path: req.url!,
          key,
          event: String(req.headers['x-hallwatch-event']),
          signature: String(req.headers['x-hallwatch-signature']),
          body,
          answered,
        });
        res.writeHead(answered).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    const site = writeSiteFile(`
timezone: Asia/Shanghai
halls:
  - { id: ${HALL_A}, name: City hall, kind: hall }
  - { id: ${HALL_B}, name: North hall, kind: hall }
cameras:
  - { id: cam${RUN}a, hall: ${HALL_A}, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam${RUN}b, hall: ${HALL_B}, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: WA${RUN}, hall: ${HALL_A}, name: Tax 1, department: tax, camera: cam${RUN}a, zone: [[0,0],[1,0],[1,1]] }
  - { id: WB${RUN}, hall: ${HALL_B}, name: Police 1, department: police, camera: cam${RUN}b, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
notifications:
  webhooks:
    - { url: "http://127.0.0.1:${port}/a?token=t", events: [incident.opened, card.issued], halls: [${HALL_A}], secretEnv: WEBHOOK_A_SECRET }
    - { url: "http://127.0.0.1:${port}/b", events: [incident.opened, card.issued, rectification.overdue], halls: [${HALL_B}], secretEnv: WEBHOOK_B_SECRET }
`);
    dbUri = testDatabaseUri('webhooks');
    env = {
      HALLWATCH_SITE: site,
      MONGODB_URI: dbUri,
      HALLWATCH_METRICS_PORT: String(await freePort()),
      WEBHOOK_A_SECRET: SECRET_A,
      WEBHOOK_B_SECRET: SECRET_B,
    };
    nc = await connect({ servers: process.env.HALLWATCH_TEST_NATS_URL });
    js = nc.jetstream();
    mongo = await MongoClient.connect(dbUri);
    reporting = await startService('reporting', env);
  });

  afterAll(async () => {
    await reporting?.stop();
    await nc?.drain();
    await mongo?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const incident = (id: string, hallId: string, windowId: string): IncidentMessage => ({
    id,
    kind: 'absence',
    hallId,
    windowId,
    openedAt: new Date(Date.now() - MIN).toISOString(),
  });
  const publishOpened = (m: IncidentMessage) => js.publish(incidentSubject('opened', m), encodeMessage(m), { msgID: `wh-test:${m.id}` });
  const of = (key: string) => received.filter((r) => r.key === key);
  const answered200 = (key: string) => eventually(async () => (of(key).some((r) => r.answered === 200) ? true : undefined), 30_000);
  const hmac = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

  /** Every request for `key` went to `path`, signed with `secret`, with one body throughout; the receiver's 200 was the last. */
  const expectDeliveredOnce = (key: string, path: string, secret: string, event: string) => {
    const got = of(key);
    expect(got.map((r) => r.answered)).toEqual([500, 500, 200]);
    for (const r of got) {
      expect(r.path).toBe(path);
      expect(r.event).toBe(event);
      expect(r.signature).toBe(hmac(secret, r.body));
      expect(r.body).toBe(got[0].body);
    }
    return JSON.parse(got[0].body) as { id: string; event: string; at: string; data: Record<string, unknown> };
  };

  it('posts an opened incident and a red card, signed, until the receiver answers 200, and only to the webhook of their hall', async () => {
    const opened = incident(`inc-${RUN}-1`, HALL_A, `WA${RUN}`);
    await publishOpened(opened);
    const deadline = new Date(Date.now() - 10 * MIN).toISOString();
    await js.publish(
      Subjects.cases,
      encodeMessage({
        caseId: `case-${RUN}`,
        windowId: `WA${RUN}`,
        staffId: 'S1',
        serviceItem: '营业执照',
        takenAt: new Date(Date.now() - 120 * MIN).toISOString(),
        deadline,
        status: 'accepted',
        at: new Date(Date.now() - 60 * MIN).toISOString(),
      }),
    );
    const incidentKey = `incident.opened:${opened.id}`;
    const cardKey = `card.issued:case-${RUN}:red`;
    await answered200(incidentKey);
    await answered200(cardKey);
    // Long enough for two more retries (1 s, then 2 s): none may come after the 200.
    await new Promise((r) => setTimeout(r, 4000));

    expect(expectDeliveredOnce(incidentKey, '/a?token=t', SECRET_A, 'incident.opened')).toEqual({
      id: incidentKey,
      event: 'incident.opened',
      at: opened.openedAt,
      data: { ...opened },
    });
    const card = expectDeliveredOnce(cardKey, '/a?token=t', SECRET_A, 'card.issued');
    expect(card).toMatchObject({
      id: cardKey,
      event: 'card.issued',
      data: { caseId: `case-${RUN}`, color: 'red', hallId: HALL_A, deadline },
    });
    expect(card.at).toBe(card.data.issuedAt);
    // A signature under the other webhook's secret would not pass.
    expect(of(incidentKey)[0].signature).not.toBe(hmac(SECRET_B, of(incidentKey)[0].body));
    expect(received.filter((r) => r.path === '/b')).toEqual([]);

    const stored = await mongo
      .db()
      .collection('webhook_deliveries')
      .find({ key: { $in: [incidentKey, cardKey] } })
      .toArray();
    expect(stored.map((d) => [d.key, d.status, d.attempts, d.lastStatus, d.source]).sort()).toEqual([
      [cardKey, 'delivered', 3, 200, Subjects.supervisionCard],
      [incidentKey, 'delivered', 3, 200, incidentSubject('opened', opened)],
    ]);
    expect(JSON.stringify(stored)).not.toContain(SECRET_A);

    // Each attempt counted by outcome: two answered 500 (retried), then one 200 (delivered), per event.
    const metrics = await (await fetch(`http://127.0.0.1:${env.HALLWATCH_METRICS_PORT}/metrics`)).text();
    const counted = (event: string, outcome: string) =>
      metrics
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('hallwatch_webhook_deliveries_total{') && l.includes(`event="${event}"`) && l.includes(`outcome="${outcome}"`),
        )
        .map((l) => Number(l.split(' ').pop()));
    for (const event of ['incident.opened', 'card.issued']) {
      expect(counted(event, 'retried')).toEqual([2]);
      expect(counted(event, 'delivered')).toEqual([1]);
      expect(counted(event, 'failed')).toEqual([]);
    }
    expect(metrics).not.toContain('token=t');
  });

  it('adds nothing for an event published again, and sends hall B its own incident only', async () => {
    const again = incident(`inc-${RUN}-1`, HALL_A, `WA${RUN}`);
    // Another message id: JetStream stores it again, the webhooks must not post it again.
    await js.publish(incidentSubject('opened', again), encodeMessage(again), { msgID: `wh-test-again:${again.id}` });
    const other = incident(`inc-${RUN}-b`, HALL_B, `WB${RUN}`);
    await publishOpened(other);
    await answered200(`incident.opened:${other.id}`);
    await new Promise((r) => setTimeout(r, 2000));
    expectDeliveredOnce(`incident.opened:${other.id}`, '/b', SECRET_B, 'incident.opened');
    expect(of(`incident.opened:${again.id}`)).toHaveLength(3);
    expect(received.filter((r) => r.path === '/b').map((r) => r.key)).toEqual(Array(3).fill(`incident.opened:${other.id}`));
  });

  it('still delivers when reporting restarts between retries', async () => {
    const opened = incident(`inc-${RUN}-2`, HALL_A, `WA${RUN}`);
    const key = `incident.opened:${opened.id}`;
    await publishOpened(opened);
    await eventually(async () => (of(key).length >= 1 ? true : undefined), 20_000);
    await reporting.stop();
    const beforeRestart = of(key).length;
    expect(beforeRestart).toBeLessThan(3);
    reporting = await startService('reporting', env);
    await answered200(key);
    await new Promise((r) => setTimeout(r, 3000));
    expectDeliveredOnce(key, '/a?token=t', SECRET_A, 'incident.opened');
  });

  it('deletes at start the deliveries settled over 30 days ago, keeping newer ones and pending ones', async () => {
    const deliveries = mongo.db().collection<{ _id: string; [field: string]: unknown }>('webhook_deliveries');
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    const old = {
      webhook: 'gone',
      event: 'incident.opened',
      hallId: HALL_A,
      source: 'test',
      body: '{}',
      attempts: 1,
      createdAt: daysAgo(40),
    };
    await deliveries.insertMany([
      { _id: `gone|old-delivered-${RUN}`, ...old, key: 'a', status: 'delivered', triedAt: daysAgo(31), deliveredAt: daysAgo(31) },
      { _id: `gone|old-failed-${RUN}`, ...old, key: 'b', status: 'failed', triedAt: daysAgo(35) },
      { _id: `gone|recent-delivered-${RUN}`, ...old, key: 'c', status: 'delivered', triedAt: daysAgo(29), deliveredAt: daysAgo(29) },
      { _id: `gone|pending-${RUN}`, ...old, key: 'd', status: 'pending', triedAt: daysAgo(40), dueAt: new Date(Date.now() + 86_400_000) },
    ]);
    await reporting.stop();
    reporting = await startService('reporting', env);
    const left = await eventually(async () => {
      const ids = (await deliveries.find({ webhook: 'gone' }).toArray()).map((d) => d._id).sort();
      return ids.length === 2 ? ids : undefined;
    }, 20_000);
    expect(left).toEqual([`gone|pending-${RUN}`, `gone|recent-delivered-${RUN}`].sort());
  });

  it('refuses to start with a webhook whose secret variable is unset, naming the webhook and the variable', async () => {
    const { WEBHOOK_B_SECRET: _unset, ...without } = env;
    const started = startService('reporting', without);
    await expect(started).rejects.toThrow('notifications.webhooks[1] (to 127.0.0.1');
    await expect(started).rejects.toThrow('environment variable WEBHOOK_B_SECRET holding its secret is not set');
    await expect(started).rejects.not.toThrow(SECRET_A);
  });
});
