import { judgeAppeal, judgeDecision, type TrailEntry } from './review-rules';

const at = (m: number) => new Date(Date.UTC(2026, 10, 24, 2, m));
const entry = (action: string, by: string, m: number): TrailEntry => ({ action, by, at: at(m) });
const supervisor = (username: string) => ({ username, role: 'supervisor' });
const admin = { username: 'admin', role: 'admin' };
const manager = { username: 'chief-h1', role: 'hall_manager' };

describe('judgeDecision (separation of duties)', () => {
  it('lets a supervisor or admin decide an unreviewed incident and change a decision not appealed', () => {
    expect(judgeDecision('closed', [], supervisor('jianchaju'))).toEqual({ ok: true, correction: false });
    expect(judgeDecision('confirmed', [entry('confirmed', 'jianchaju', 1)], supervisor('jianchaju'))).toEqual({
      ok: true,
      correction: false,
    });
    expect(judgeDecision('closed', [], manager)).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringMatching(/supervisor or admin/),
    });
  });

  it('refuses the appellant and the reviewer appealed against; someone else decides', () => {
    const trail = [entry('confirmed', 'jianchaju', 1), entry('evidence-viewed', 'jianchaju', 2), entry('appealed', 'admin', 3)];
    expect(judgeDecision('appealed', trail, admin)).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringMatching(/admin filed the appeal/),
    });
    expect(judgeDecision('appealed', trail, supervisor('jianchaju'))).toMatchObject({
      ok: false,
      status: 403,
      reason: expect.stringMatching(/jianchaju made the decision appealed against \(confirmed at 2026-11-24T02:01:00.000Z\)/),
    });
    expect(judgeDecision('appealed', trail, supervisor('zhang'))).toEqual({ ok: true, correction: false });
  });

  it('judges against the decision in force at the appeal, not an earlier one', () => {
    const trail = [entry('dismissed', 'li', 1), entry('confirmed', 'jianchaju', 2), entry('appealed', 'chief-h1', 3)];
    expect(judgeDecision('appealed', trail, supervisor('li'))).toEqual({ ok: true, correction: false });
    expect(judgeDecision('appealed', trail, supervisor('jianchaju'))).toMatchObject({ ok: false, status: 403 });
  });

  it('an appeal of an incident never decided is refused only to its appellant', () => {
    const trail = [entry('appealed', 'admin', 1)];
    expect(judgeDecision('appealed', trail, admin)).toMatchObject({ ok: false, status: 403 });
    expect(judgeDecision('appealed', trail, supervisor('jianchaju'))).toEqual({ ok: true, correction: false });
  });

  it('makes the incident final once an appeal is decided: a supervisor is refused, an admin corrects', () => {
    const trail = [entry('confirmed', 'jianchaju', 1), entry('appealed', 'chief-h1', 2), entry('dismissed', 'zhang', 3)];
    for (const who of ['jianchaju', 'zhang', 'wang'])
      expect(judgeDecision('dismissed', trail, supervisor(who))).toMatchObject({
        ok: false,
        status: 409,
        reason: expect.stringMatching(/appeal was decided \(dismissed by zhang at 2026-11-24T02:03:00.000Z\).*final.*only an admin/),
      });
    expect(judgeDecision('dismissed', trail, admin)).toEqual({ ok: true, correction: true });
    const corrected = [...trail, entry('confirmed', 'admin', 4)];
    expect(judgeDecision('confirmed', corrected, supervisor('zhang'))).toMatchObject({ ok: false, status: 409 });
    expect(judgeDecision('confirmed', corrected, admin)).toEqual({ ok: true, correction: true });
  });
});

describe('judgeAppeal', () => {
  it('lets a hall manager or admin appeal a closed or confirmed incident', () => {
    expect(judgeAppeal('closed', [], manager)).toEqual({ ok: true, correction: false });
    expect(judgeAppeal('confirmed', [entry('confirmed', 'jianchaju', 1)], admin)).toEqual({ ok: true, correction: false });
    expect(judgeAppeal('closed', [], supervisor('jianchaju'))).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses what cannot be appealed, and any appeal once one was decided', () => {
    expect(judgeAppeal('appealed', [entry('appealed', 'chief-h1', 1)], manager)).toMatchObject({
      ok: false,
      status: 409,
      reason: expect.stringMatching(/already appealed/),
    });
    const decided = [entry('confirmed', 'jianchaju', 1), entry('appealed', 'chief-h1', 2), entry('confirmed', 'zhang', 3)];
    expect(judgeAppeal('confirmed', decided, manager)).toMatchObject({ ok: false, status: 409, reason: expect.stringMatching(/final/) });
  });
});
