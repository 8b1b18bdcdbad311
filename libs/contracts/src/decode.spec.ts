import { decodeMessage, encodeMessage } from './decode';
import { CameraStatusMessage, PresenceMessage } from './messages';

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
});
