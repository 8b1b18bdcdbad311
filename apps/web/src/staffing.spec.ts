import type { CameraState, LiveWindow, PresenceState, SiteWindow } from './api';
import { hallStaffing, tileState } from './staffing';

const at = '2026-11-24T09:00:00Z';
const window = (id: string, cameraId: string) => ({ id, hallId: 'h1', cameraId }) as SiteWindow;
const state = (windowId: string, s: PresenceState): LiveWindow => ({ windowId, hallId: 'h1', name: windowId, state: s, since: at });
const camera = (cameraId: string, status: CameraState['status']): CameraState => ({ cameraId, hallId: 'h1', status, at });

// W1, W2 on cam-a; W3 on cam-b.
const WINDOWS = [window('W1', 'cam-a'), window('W2', 'cam-a'), window('W3', 'cam-b')];
const states = (w1: PresenceState, w2: PresenceState, w3: PresenceState) => ({
  W1: state('W1', w1),
  W2: state('W2', w2),
  W3: state('W3', w3),
});

describe('a window whose camera is down', () => {
  it("shows its camera's outage, whatever the camera last saw", () => {
    expect(tileState(state('W1', 'staffed'), camera('cam-a', 'offline'))).toBe('offline');
    expect(tileState(state('W1', 'unknown'), camera('cam-a', 'frozen'))).toBe('frozen');
    expect(tileState(state('W1', 'absent'), camera('cam-a', 'online'))).toBe('absent');
    expect(tileState(undefined, undefined)).toBe('unknown');
  });
});

describe("a hall's staffing against its minimum", () => {
  it('is below the minimum when the windows seen staffed are too few', () => {
    expect(hallStaffing(WINDOWS, states('staffed', 'absent', 'absent'), {}, 2)).toEqual({
      staffed: 1,
      offline: 0,
      frozen: 0,
      unknown: 0,
      level: 'below',
    });
    expect(hallStaffing(WINDOWS, states('staffed', 'staffed', 'absent'), {}, 2).level).toBe('met');
  });

  it('is not below the minimum while windows whose camera is down could make it up', () => {
    // cam-a down: W1 and W2 cannot be seen; W3 alone is seen staffed.
    const offline = hallStaffing(WINDOWS, states('unknown', 'unknown', 'staffed'), { 'cam-a': camera('cam-a', 'offline') }, 2);
    expect(offline).toEqual({ staffed: 1, offline: 2, frozen: 0, unknown: 0, level: 'uncertain' });
    // Frozen: the staffed state the last real picture gave is not counted either.
    const frozen = hallStaffing(WINDOWS, states('staffed', 'staffed', 'absent'), { 'cam-a': camera('cam-a', 'frozen') }, 2);
    expect(frozen).toEqual({ staffed: 0, offline: 0, frozen: 2, unknown: 0, level: 'uncertain' });
  });

  it('is below the minimum when even every window that cannot be seen staffed would not make it', () => {
    const s = hallStaffing(WINDOWS, states('unknown', 'unknown', 'absent'), { 'cam-a': camera('cam-a', 'offline') }, 3);
    expect(s).toEqual({ staffed: 0, offline: 2, frozen: 0, unknown: 0, level: 'below' });
  });

  it('counts windows unknown for another reason apart from those whose camera is down', () => {
    const s = hallStaffing(WINDOWS, { W3: state('W3', 'staffed') }, { 'cam-a': camera('cam-a', 'online') }, 2);
    expect(s).toEqual({ staffed: 1, offline: 0, frozen: 0, unknown: 2, level: 'uncertain' });
    // Closed windows are certainly not staffed.
    expect(hallStaffing(WINDOWS, states('closed', 'closed', 'unknown'), {}, 2).level).toBe('below');
  });
});
