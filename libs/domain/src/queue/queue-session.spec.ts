import { QueueEvent, queueSessions, queueStateAfter } from './queue-session';

const t = (time: string) => Date.parse(`2024-10-08T${time}+08:00`);
const ev = (event: QueueEvent['event'], time: string, staffId = 'S001'): QueueEvent => ({ windowId: 'w1', staffId, event, at: t(time) });

describe('queue sessions', () => {
  it('login and resume open, pause pauses, logout closes', () => {
    expect(['login', 'resume', 'pause', 'logout'].map((e) => queueStateAfter(e as QueueEvent['event']))).toEqual([
      'open',
      'open',
      'paused',
      'closed',
    ]);
  });

  it('splits a window day into open and paused time per staff id', () => {
    const range = { start: t('09:00:00'), end: t('12:00:00') };
    const events = [
      ev('login', '08:50:00'), // before the range: carried in
      ev('pause', '09:30:00'),
      ev('resume', '09:40:00'),
      ev('logout', '10:00:00'),
      ev('login', '10:30:00', 'S002'),
      ev('pause', '11:45:00', 'S002'),
    ];
    const sessions = queueSessions(events, range);
    expect(sessions.get('S001')).toEqual({
      open: [
        { start: t('09:00:00'), end: t('09:30:00') },
        { start: t('09:40:00'), end: t('10:00:00') },
      ],
      paused: [{ start: t('09:30:00'), end: t('09:40:00') }],
    });
    // Paused until the end of the range, since nothing followed.
    expect(sessions.get('S002')).toEqual({
      open: [{ start: t('10:30:00'), end: t('11:45:00') }],
      paused: [{ start: t('11:45:00'), end: t('12:00:00') }],
    });
  });

  it('the last event alone tells the state: a pause carried in from an earlier day is a paused session', () => {
    const sessions = queueSessions([ev('pause', '08:00:00')], { start: t('09:00:00'), end: t('12:00:00') });
    expect(sessions.get('S001')).toEqual({ open: [], paused: [{ start: t('09:00:00'), end: t('12:00:00') }] });
    expect(queueSessions([ev('logout', '08:00:00')], { start: t('09:00:00'), end: t('12:00:00') }).size).toBe(0);
  });
});
