import { nextQueueState, QueueEvent, queueSessions } from './queue-session';

const t = (time: string) => Date.parse(`2024-10-08T${time}+08:00`);
const ev = (event: QueueEvent['event'], time: string, staffId = 'S001'): QueueEvent => ({ windowId: 'w1', staffId, event, at: t(time) });

describe('queue sessions', () => {
  it('login and resume open, pause pauses a session, logout closes', () => {
    expect(nextQueueState('closed', 'login')).toBe('open');
    expect(nextQueueState('paused', 'resume')).toBe('open');
    expect(nextQueueState('closed', 'resume')).toBe('open');
    expect(nextQueueState('open', 'pause')).toBe('paused');
    expect(nextQueueState('closed', 'pause')).toBe('closed');
    expect(nextQueueState('paused', 'logout')).toBe('closed');
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

  it('a pause without a session counts nothing', () => {
    expect(queueSessions([ev('pause', '09:10:00')], { start: t('09:00:00'), end: t('12:00:00') }).size).toBe(0);
  });
});
