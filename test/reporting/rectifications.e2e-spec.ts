import { createHash } from 'node:crypto';
import mongoose, { Connection } from 'mongoose';
import { RectificationStepMessage, Subjects, validateMessage, type RectificationRecord } from '@hallwatch/contracts';
import { addDays, localDate } from '@hallwatch/stats';
import { eventually, Stack, startStack } from '../support/e2e';

const PASSWORD = 'rectify-test-pw';
const DAY = 86_400_000;
const TZ = 'UTC';

/**
 * Rectification orders (督办单) and the 好评差评 follow-up (issue 22, items 3 and 4), on real
 * reporting and gateway processes. The test calendar is open every day but tomorrow (a holiday),
 * in UTC: one working day from now is the day after tomorrow at the same time, five are six days.
 */
describe('rectification orders', () => {
  let stack: Stack;
  let db: Connection;
  let tokens: Record<string, string>;
  /** Every step published on hallwatch.rectification.<orderId>.<action>, with its subject. */
  const published: { subject: string; data: unknown }[] = [];
  const now = Date.now();
  const tomorrow = addDays(localDate(TZ, now), 1);
  const iso = (offsetMinutes: number) => new Date(now + offsetMinutes * 60_000).toISOString();

  beforeAll(async () => {
    stack = await startStack({
      name: 'rectify',
      password: PASSWORD,
      users: ['admin', 'sup1', 'manager1', 'manager2'],
      env: { HALLWATCH_RECTIFICATION_CHECK_SECONDS: '1' },
      beforeServices: async ({ nc }) => {
        const steps = nc.subscribe(Subjects.allRectifications);
        void (async () => {
          for await (const m of steps) published.push({ subject: m.subject, data: m.json() });
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
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["09:00-17:00"], holidays: ["${tomorrow}"] }
users:
  - { username: admin, passwordHash: "${hash}", role: admin }
  - { username: sup1, passwordHash: "${hash}", role: supervisor }
  - { username: manager1, passwordHash: "${hash}", role: hall_manager, halls: [H1] }
  - { username: manager2, passwordHash: "${hash}", role: hall_manager, halls: [H2] }
`,
    });
    tokens = stack.tokens;
    db = await mongoose.createConnection(stack.env.MONGODB_URI).asPromise();
    const complaints = await stack.call('POST', '/api/complaints', tokens.admin, {
      complaints: [
        { id: 'C1', receivedAt: iso(-60), channel: 'hotline', windowId: 'W1', category: '态度', verified: true },
        { id: 'C2', receivedAt: iso(-60), channel: 'hotline', windowId: 'W1', category: '态度', verified: 'pending' },
      ],
    });
    expect(((await complaints.json()) as { accepted: number }).accepted).toBe(2);
  });

  afterAll(async () => {
    await db?.close();
    await stack?.stop();
  });

  const api = async (user: string, method: string, path: string, body?: unknown) => {
    const res = await stack.call(method, path, tokens[user], body);
    return { status: res.status, body: (await res.json()) as RectificationRecord & RectificationRecord[] & { message: string } };
  };
  const issue = (user: string, body: Record<string, unknown>) => api(user, 'POST', '/api/rectifications', body);
  const fromC1 = { source: { kind: 'complaint', id: 'C1' }, to: { window: 'W1' }, dueWorkingDays: 1, instructions: '整改服务态度' };

  it('runs the whole cycle: issued, responded, returned, responded again, verified, every step attributed', async () => {
    const issued = await issue('sup1', fromC1);
    expect(issued.status).toBe(200);
    const order = issued.body;
    const issuedAt = Date.parse(order.issuedAt);
    expect(Math.abs(issuedAt - Date.now())).toBeLessThan(60_000);
    expect(order).toMatchObject({
      source: { kind: 'complaint', id: 'C1' },
      to: { window: 'W1' },
      halls: ['H1'],
      state: 'issued',
      tier: 'blue',
      issuedBy: 'sup1',
      // One working day: tomorrow is a holiday, so the day after, same time; red one more working day on.
      dueAt: new Date(issuedAt + 2 * DAY).toISOString(),
      redAt: new Date(issuedAt + 3 * DAY).toISOString(),
    });
    const path = `/api/rectifications/${order.id}`;

    expect((await api('manager1', 'POST', `${path}/respond`, { text: '已约谈窗口人员' })).body.state).toBe('responded');
    expect((await api('sup1', 'POST', `${path}/verify`, { accepted: false, reason: '未附整改记录' })).body.state).toBe('returned');
    expect((await api('manager1', 'POST', `${path}/respond`, { text: '补充整改记录' })).body.state).toBe('responded');
    const verified = await api('sup1', 'POST', `${path}/verify`, { accepted: true, reason: '整改到位' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ state: 'verified', tier: 'blue', verifiedAt: expect.any(String) });

    const read = await api('admin', 'GET', path);
    expect(read.body.history.map((s) => [s.action, s.by, s.state, s.text ?? s.reason])).toEqual([
      ['issued', 'sup1', 'issued', '整改服务态度'],
      ['responded', 'manager1', 'responded', '已约谈窗口人员'],
      ['returned', 'sup1', 'returned', '未附整改记录'],
      ['responded', 'manager1', 'responded', '补充整改记录'],
      ['verified', 'sup1', 'verified', '整改到位'],
    ]);
    // Each step went out on its own subject once stored, a message of the subject map's class.
    const stepsOf = () => published.filter((p) => (p.data as RectificationStepMessage).orderId === order.id);
    await eventually(async () => (stepsOf().length >= 5 ? true : undefined), 15_000);
    const actions = ['issued', 'responded', 'returned', 'responded', 'verified'] as const;
    expect(stepsOf().map((p) => p.subject)).toEqual(actions.map((a) => Subjects.rectification(order.id, a)));
    for (const p of stepsOf()) expect(validateMessage(RectificationStepMessage, p.data)).toMatchObject({ ok: true });
    expect(stepsOf().map((p) => p.data)).toEqual(
      read.body.history.map((s, i) => ({
        orderId: order.id,
        step: i + 1,
        action: s.action,
        by: s.by,
        at: s.at,
        state: s.state,
        tier: s.tier,
        source: { kind: 'complaint', id: 'C1' },
        halls: ['H1'],
        dueAt: order.dueAt,
        ...(s.text !== undefined && { text: s.text }),
        ...(s.reason !== undefined && { reason: s.reason }),
      })),
    );
    // Verified: nothing more to do with it.
    expect((await api('manager1', 'POST', `${path}/respond`, { text: 'again' })).status).toBe(409);
    expect((await api('sup1', 'POST', `${path}/verify`, { accepted: false, reason: 'again' })).status).toBe(409);

    const ids = async (query: string) => (await api('sup1', 'GET', `/api/rectifications${query}`)).body.map((o) => o.id);
    expect(await ids('?state=verified')).toContain(order.id);
    expect(await ids('?state=issued')).not.toContain(order.id);
    expect(await ids('?source=complaint')).toContain(order.id);
    expect(await ids('?source=card')).not.toContain(order.id);
  });

  it('refuses a manager of another hall, and the wrong role for each step', async () => {
    const order = (await issue('sup1', fromC1)).body;
    const path = `/api/rectifications/${order.id}`;
    expect((await api('manager2', 'GET', path)).status).toBe(403);
    const other = await api('manager2', 'POST', `${path}/respond`, { text: 'not mine' });
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/another hall/);
    expect((await api('manager2', 'GET', '/api/rectifications')).body.map((o) => o.id)).not.toContain(order.id);
    expect((await api('manager1', 'GET', '/api/rectifications')).body.map((o) => o.id)).toContain(order.id);
    expect((await issue('manager1', fromC1)).status).toBe(403);
    expect((await api('sup1', 'POST', `${path}/respond`, { text: 'by the bureau' })).status).toBe(403);
    expect((await api('manager1', 'POST', `${path}/verify`, { accepted: true, reason: 'own' })).status).toBe(403);
    // Not responded yet: nothing to verify.
    expect((await api('sup1', 'POST', `${path}/verify`, { accepted: true, reason: 'early' })).status).toBe(409);
    expect((await api('admin', 'GET', path)).body.history.map((s) => s.action)).toEqual(['issued']);
  });

  it('refuses a bad source or target, naming what is wrong', async () => {
    const bad = async (body: Record<string, unknown>, message: RegExp) => {
      const res = await issue('sup1', { ...fromC1, ...body });
      expect(res.status).toBe(400);
      expect([res.body.message].flat().join('; ')).toMatch(message);
    };
    await bad({ source: { kind: 'complaint', id: 'C2' } }, /complaint "C2" is not verified/);
    await bad({ source: { kind: 'incident', id: 'nope' } }, /no incident "nope"/);
    await bad({ source: { kind: 'card', id: 'nope' } }, /<caseId>:yellow or <caseId>:red/);
    await bad({ source: { kind: 'memo', id: 'C1' } }, /source.kind must be one of/);
    await bad({ to: { window: 'W1', hall: 'H1' } }, /exactly one of window, department or hall \(got window, hall\)/);
    await bad({ to: { window: 'W9' } }, /no window "W9"/);
    await bad({ dueWorkingDays: 0 }, /dueWorkingDays must not be less than 1/);
  });

  it('issues to a department and a hall, and from a card', async () => {
    const dept = await issue('sup1', { ...fromC1, to: { department: 'police' } });
    expect(dept.body).toMatchObject({ to: { department: 'police' }, halls: ['H2'] });
    const hall = await issue('admin', { ...fromC1, to: { hall: 'H1' } });
    expect(hall.body).toMatchObject({ to: { hall: 'H1' }, halls: ['H1'], issuedBy: 'admin' });
    // A case in flight past its deadline: its red card at once.
    const late = {
      caseId: 'late-1',
      windowId: 'W2',
      serviceItem: '户籍',
      takenAt: iso(-120),
      deadline: iso(-10),
      status: 'accepted',
      at: iso(-60),
    };
    expect((await stack.call('POST', '/api/cases', tokens.admin, { cases: [late] })).status).toBe(200);
    const card = await issue('sup1', { ...fromC1, source: { kind: 'card', id: 'late-1:red' }, to: { window: 'W2' } });
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ source: { kind: 'card', id: 'late-1:red' }, halls: ['H2'] });
    expect((await issue('sup1', { ...fromC1, source: { kind: 'card', id: 'late-1:yellow' } })).body.message).toMatch(
      /no card "late-1:yellow"/,
    );
  });

  it('turns an order overdue past its due time and escalates it yellow, then red', async () => {
    const order = (await issue('sup1', fromC1)).body;
    // Days are too long to wait for: the stored due and red points are moved to seconds from now.
    await db.collection('rectifications').updateOne({ _id: order.id } as never, {
      $set: { dueAt: new Date(Date.now() + 1500), redAt: new Date(Date.now() + 4000) },
    });
    const path = `/api/rectifications/${order.id}`;
    expect((await api('sup1', 'GET', path)).body).toMatchObject({ state: 'issued', tier: 'blue' });
    const overdue = await eventually(async () => {
      const o = (await api('sup1', 'GET', path)).body;
      return o.state === 'overdue' ? o : undefined;
    }, 15_000);
    expect(overdue.tier).toBe('yellow');
    expect(overdue.history.slice(1).map((s) => [s.action, s.by, s.state, s.tier])).toEqual([
      ['overdue', 'reporting', 'overdue', 'yellow'],
      ['escalated', 'reporting', 'overdue', 'yellow'],
    ]);
    expect((await api('sup1', 'GET', '/api/rectifications?state=overdue')).body.map((o) => o.id)).toContain(order.id);
    const red = await eventually(async () => {
      const o = (await api('sup1', 'GET', path)).body;
      return o.tier === 'red' ? o : undefined;
    }, 15_000);
    expect(red.history.at(-1)).toMatchObject({ action: 'escalated', by: 'reporting', state: 'overdue', tier: 'red' });
    // Late, the hall still answers it; the tier stays as it rose.
    expect((await api('manager1', 'POST', `${path}/respond`, { text: '逾期整改' })).body).toMatchObject({
      state: 'responded',
      tier: 'red',
    });
  });

  it('opens an order due in five working days for a case rated 1, with the call-back, naming no rater', async () => {
    const kase = (caseId: string, satisfaction: number) => ({
      caseId,
      windowId: 'W1',
      staffId: 'S1',
      serviceItem: '营业执照',
      takenAt: iso(-90),
      calledAt: iso(-80),
      startedAt: iso(-79),
      finishedAt: iso(-60),
      deadline: iso(600),
      satisfaction,
    });
    const posted = await stack.call('POST', '/api/cases', tokens.manager1, { cases: [kase('rated-1', 1), kase('rated-3', 3)] });
    expect(((await posted.json()) as { accepted: number }).accepted).toBe(2);
    const read = await api('sup1', 'GET', '/api/rectifications/rating:rated-1');
    expect(read.status).toBe(200);
    const issuedAt = Date.parse(read.body.issuedAt);
    // Five working days: tomorrow is a holiday, so six calendar days; red five more on.
    expect(read.body).toEqual({
      id: 'rating:rated-1',
      source: { kind: 'case', id: 'rated-1' },
      to: { window: 'W1' },
      halls: ['H1'],
      dueWorkingDays: 5,
      instructions: expect.stringContaining('rated-1'),
      state: 'issued',
      tier: 'blue',
      issuedBy: 'reporting',
      issuedAt: read.body.issuedAt,
      dueAt: new Date(issuedAt + 6 * DAY).toISOString(),
      redAt: new Date(issuedAt + 11 * DAY).toISOString(),
      version: 1,
      history: [
        { action: 'issued', by: 'reporting', at: read.body.issuedAt, state: 'issued', tier: 'blue', reason: read.body.instructions },
      ],
    });
    // Who posted the rated case is nowhere on the order.
    expect(JSON.stringify(read.body)).not.toContain('manager1');
    expect((await api('sup1', 'GET', '/api/rectifications/rating:rated-3')).status).toBe(404);

    const path = '/api/rectifications/rating:rated-1';
    const without = await api('manager1', 'POST', `${path}/respond`, { text: '已整改' });
    expect(without.status).toBe(400);
    expect(without.body.message).toMatch(/callBack/);
    const callBack = { at: iso(-5), reached: true, outcome: '当事人表示理解' };
    const responded = await api('manager1', 'POST', `${path}/respond`, { text: '已整改并回访', callBack });
    expect(responded.status).toBe(200);
    expect(responded.body.callBack).toEqual({ ...callBack, by: 'manager1' });
    expect(responded.body.history.at(-1)).toMatchObject({ action: 'responded', by: 'manager1', callBack: { ...callBack, by: 'manager1' } });
  });

  it('gives 好评率, 差评率, 未评价率 and 差评整改率 for a hand-made set of cases', async () => {
    // W2: ratings 5, 4, 3, 2, 1 and two cases not rated. 好评 (4-5): 2 of 5 ratings; 差评 (≤ 2): 2 of 5;
    // not rated: 2 of 7 cases; of the two orders the 差评 opened, one verified in time: 1 of 2.
    const kase = (caseId: string, satisfaction?: number) => ({
      caseId,
      windowId: 'W2',
      serviceItem: '户籍',
      takenAt: iso(-50),
      calledAt: iso(-45),
      startedAt: iso(-44),
      finishedAt: iso(-30),
      deadline: iso(600),
      ...(satisfaction === undefined ? {} : { satisfaction }),
    });
    const cases = [kase('s-5', 5), kase('s-4', 4), kase('s-3', 3), kase('s-2', 2), kase('s-1', 1), kase('s-none-1'), kase('s-none-2')];
    const posted = await stack.call('POST', '/api/cases', tokens.admin, { cases });
    expect(((await posted.json()) as { accepted: number }).accepted).toBe(7);
    const path = '/api/rectifications/rating:s-2';
    const callBack = { at: iso(-1), reached: false, outcome: '未接通, 已发短信' };
    expect((await api('manager2', 'POST', `${path}/respond`, { text: '已整改', callBack })).status).toBe(200);
    expect((await api('sup1', 'POST', `${path}/verify`, { accepted: true, reason: '属实整改' })).status).toBe(200);
    expect((await api('sup1', 'GET', '/api/rectifications/rating:s-1')).body.state).toBe('issued');

    const from = localDate(TZ, now - DAY);
    const to = localDate(TZ, now + DAY);
    const row = await eventually(async () => {
      const res = await stack.call('GET', `/api/stats/throughput?from=${from}&to=${to}&groupBy=window`, tokens.sup1);
      if (res.status !== 200) throw new Error(`/api/stats/throughput: ${res.status} ${await res.text()}`);
      const w2 = ((await res.json()) as Record<string, unknown>[]).find((r) => r.window === 'W2');
      return w2?.casesHandled === 7 ? w2 : undefined;
    }, 15_000);
    expect(row).toMatchObject({ goodRatingRate: 0.4, badRatingRate: 0.4, unratedRate: 0.2857, badRatingRectifiedRate: 0.5 });
  });

  it("keeps a response's photo with its hash, serves it to the order's halls only, records each view; a non-image is refused saying why", async () => {
    // A 1×1 PNG, made by hand.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const sha256 = createHash('sha256').update(png).digest('hex');
    const order = (await issue('sup1', fromC1)).body;
    const path = `/api/rectifications/${order.id}`;

    const gif = await api('manager1', 'POST', `${path}/respond`, {
      text: '见附图',
      photo: Buffer.from('GIF89a\x01\x00\x01\x00').toString('base64'),
    });
    expect(gif.status).toBe(400);
    expect(gif.body.message).toBe('photo: not a JPEG or PNG image (its first bytes are neither)');
    const notBase64 = await api('manager1', 'POST', `${path}/respond`, { text: '见附图', photo: 'not base64!' });
    expect(notBase64.status).toBe(400);
    expect(JSON.stringify(notBase64.body.message)).toContain('photo');
    expect((await api('admin', 'GET', path)).body.state).toBe('issued');

    const responded = await api('manager1', 'POST', `${path}/respond`, { text: '见附图', photo: png.toString('base64') });
    expect(responded.status).toBe(200);
    expect(responded.body.history[1]).toMatchObject({
      action: 'responded',
      by: 'manager1',
      text: '见附图',
      photo: { n: 1, contentType: 'image/png', sha256, bytes: png.length },
    });

    for (const user of ['manager1', 'sup1']) {
      const res = await stack.call('GET', `${path}/photos/1`, tokens[user]);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.equals(png)).toBe(true);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
    }
    expect((await stack.call('GET', `${path}/photos/1`, tokens.manager2)).status).toBe(403);
    expect((await stack.call('GET', `${path}/photos/2`, tokens.manager1)).status).toBe(404);
    const views = await db.collection('rectification_photo_views').find({ orderId: order.id }).sort({ at: 1 }).toArray();
    expect(views.map((v) => [v.n, v.by])).toEqual([
      [1, 'manager1'],
      [1, 'sup1'],
    ]);
  });
});
