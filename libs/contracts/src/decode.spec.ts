import { decodeMessage, encodeMessage } from './decode';
import { IncidentMessage } from './incidents';
import { CameraStatusMessage, PresenceMessage } from './messages';
import { WaitingCountMessage } from './occupancy';
import { QueueEventMessage, queueEventId } from './queue';

describe('decodeMessage', () => {
  it('accepts a valid presence change and round-trips it', () => {
    const message = { windowId: 'W01', hallId: 'h1', state: 'absent', since: '2026-11-24T09:00:00.000Z', at: '2026-11-24T09:00:10.000Z' };
    const decoded = decodeMessage(PresenceMessage, encodeMessage(message));
    expect(decoded).toEqual({ ok: true, value: expect.objectContaining(message) });
  });

  it('gives a reason instead of throwing for bytes that are not JSON or not an object', () => {
    expect(decodeMessage(PresenceMessage, Buffer.from([0xff, 0xd8, 0xff]))).toEqual({ ok: false, reason: 'not JSON' });
    expect(decodeMessage(PresenceMessage, '[1,2]')).toEqual({ ok: false, reason: 'not a JSON object' });
  });

  it('names each invalid field', () => {
    const decoded = decodeMessage(CameraStatusMessage, JSON.stringify({ cameraId: 'cam.1', status: 'sleepy', at: 'yesterday' }));
    expect(decoded.ok).toBe(false);
    const reason = (decoded as { reason: string }).reason;
    expect(reason).toMatch(/cameraId/);
    expect(reason).toMatch(/status must be one of/);
    expect(reason).toMatch(/at must be an ISO 8601 date and time with an offset/);
  });

  it('drops fields the contract does not know', () => {
    const decoded = decodeMessage(
      CameraStatusMessage,
      JSON.stringify({ cameraId: 'cam-1', status: 'online', at: '2026-11-24T09:00:00Z', password: 'x' }),
    );
    expect(decoded.ok && 'password' in decoded.value).toBe(false);
  });

  it('checks queue events, alone and as the evidence of a queue mismatch, and ids them by window, instant and event', () => {
    const login = { windowId: 'W01', staffId: 'S001', event: 'login', at: '2026-11-24T09:00:00+08:00' };
    expect(decodeMessage(QueueEventMessage, JSON.stringify(login))).toEqual({ ok: true, value: expect.objectContaining(login) });
    const bad = decodeMessage(QueueEventMessage, JSON.stringify({ ...login, staffId: '张三 (S001)', event: 'lunch' }));
    expect((bad as { reason: string }).reason).toMatch(
      /staffId must be .*; event must be one of the following values: login, pause, resume, logout/,
    );
    // The same instant written in UTC is the same event.
    expect(queueEventId({ ...login, at: '2026-11-24T01:00:00Z' } as QueueEventMessage)).toBe(queueEventId(login as QueueEventMessage));
    const incident = { id: 'q1', kind: 'queue-open-seat-empty', hallId: 'h1', windowId: 'W01', openedAt: login.at, queueEvent: login };
    expect(decodeMessage(IncidentMessage, JSON.stringify(incident)).ok).toBe(true);
    expect(decodeMessage(IncidentMessage, JSON.stringify({ ...incident, queueEvent: { ...login, at: 'soon' } }))).toEqual({
      ok: false,
      reason: 'queueEvent must be a queue event {windowId, staffId, event: login|pause|resume|logout, at}',
    });
  });
});

describe('WaitingCountMessage', () => {
  const at = '2024-03-04T09:00:00.000Z';
  it('takes a count or null (not known), never a negative or fractional count', () => {
    expect(decodeMessage(WaitingCountMessage, encodeMessage({ hallId: 'H1', at, waiting: 3 })).ok).toBe(true);
    expect(decodeMessage(WaitingCountMessage, encodeMessage({ hallId: 'H1', at, waiting: null })).ok).toBe(true);
    expect(decodeMessage(WaitingCountMessage, encodeMessage({ hallId: 'H1', at, waiting: -1 })).ok).toBe(false);
    expect(decodeMessage(WaitingCountMessage, encodeMessage({ hallId: 'H1', at, waiting: 1.5 })).ok).toBe(false);
    expect(decodeMessage(WaitingCountMessage, encodeMessage({ hallId: 'H1', at })).ok).toBe(false);
  });
});
