import { parseSite } from '@hallwatch/config';
import type { IncidentMessage, PresenceMessage, RectificationStepMessage } from '@hallwatch/contracts';
import { eventHall, eventHalls } from './live-events.service';

const SITE = parseSite(`
timezone: Asia/Shanghai
halls:
  - { id: h1, name: One, kind: hall }
  - { id: t1, name: Township, kind: township }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam-2, hall: t1, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W01, hall: h1, name: One, department: tax, camera: cam-1, zone: [[0,0],[1,0],[1,1]] }
  - { id: T01, hall: t1, name: Two, department: tax, camera: cam-2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-17:00"] }
`);
const at = '2026-11-24T09:00:00+08:00';
const presence = (p: Partial<PresenceMessage>) =>
  ({ type: 'presence', data: { windowId: 'W01', hallId: 'h1', state: 'absent', since: at, at, ...p } as PresenceMessage }) as const;
const camera = (cameraId: string, hallId: string) => ({ type: 'camera', data: { cameraId, hallId, status: 'offline', at } }) as const;
const incident = (i: Partial<IncidentMessage>) =>
  ({ type: 'incident.opened', data: { id: 'i-1', kind: 'absence', hallId: 'h1', openedAt: at, ...i } as IncidentMessage }) as const;

describe('the push channel shows an event in the hall the site file gives its window', () => {
  it("shows a case's card in its window's hall, and one that lies about its hall to nobody", () => {
    const card = (windowId: string, hallId: string) =>
      ({
        type: 'card',
        data: {
          caseId: 'c-1',
          color: 'red',
          at,
          issuedAt: at,
          deadline: at,
          windowId,
          hallId,
          department: 'tax',
          serviceItem: 'x',
          status: 'accepted',
        },
      }) as const;
    expect(eventHall(card('T01', 't1'), SITE)).toEqual({ hall: 't1' });
    expect(eventHall(card('W01', 't1'), SITE)).toBe('hallId t1 is not the hall of window W01 (h1)');
  });

  it("shows a presence change in its window's hall", () => {
    expect(eventHall(presence({}), SITE)).toEqual({ hall: 'h1' });
    expect(eventHall(presence({ windowId: 'T01', hallId: 't1' }), SITE)).toEqual({ hall: 't1' });
  });

  it('shows a presence message that lies about its hall to nobody, saying why', () => {
    expect(eventHall(presence({ windowId: 'W01', hallId: 't1' }), SITE)).toBe('hallId t1 is not the hall of window W01 (h1)');
    expect(eventHall(presence({ windowId: 'W99', hallId: 't1' }), SITE)).toBe('window W99 is not in the site file');
  });

  it('checks every window and the camera an incident names against the site file', () => {
    expect(eventHall(incident({ windowId: 'W01' }), SITE)).toEqual({ hall: 'h1' });
    expect(eventHall(incident({ kind: 'camera-offline', cameraId: 'cam-1', windowIds: ['W01'] }), SITE)).toEqual({ hall: 'h1' });
    expect(eventHall(incident({ windowIds: ['W01', 'T01'] }), SITE)).toBe('hallId h1 is not the hall of window T01 (t1)');
    expect(eventHall(incident({ kind: 'camera-offline', cameraId: 'cam-2', hallId: 'h1' }), SITE)).toBe(
      'hallId h1 is not the hall of camera cam-2 (t1)',
    );
  });

  it("takes a hall-wide incident's hall only if the site file has it", () => {
    expect(eventHall(incident({ kind: 'staffing-gap', hallId: 't1' }), SITE)).toEqual({ hall: 't1' });
    expect(eventHall(incident({ hallId: 'x9' }), SITE)).toBe('hall x9 is not in the site file');
  });

  it("shows a camera's health in the camera's hall, and one of a camera the site does not have to nobody", () => {
    expect(eventHall(camera('cam-2', 't1'), SITE)).toEqual({ hall: 't1' });
    expect(eventHall(camera('cam-9', ''), SITE)).toBe('camera cam-9 is not in the site file');
  });

  it("shows an order turning overdue in each of the order's halls, and one naming a hall the site does not have to nobody", () => {
    const overdue = (halls: string[]) =>
      ({
        type: 'rectification.overdue',
        data: {
          orderId: 'r-1',
          step: 2,
          action: 'overdue',
          by: 'reporting',
          at,
          state: 'overdue',
          tier: 'blue',
          source: { kind: 'incident', id: 'i-1' },
          halls,
          dueAt: at,
        } as RectificationStepMessage,
      }) as const;
    expect(eventHalls(overdue(['t1']), SITE)).toEqual({ halls: ['t1'] });
    expect(eventHalls(overdue(['h1', 't1']), SITE)).toEqual({ halls: ['h1', 't1'] });
    expect(eventHalls(overdue(['h1', 'x9']), SITE)).toBe('hall x9 is not in the site file');
    expect(eventHalls(overdue([]), SITE)).toBe('order r-1 names no hall');
    expect(eventHalls(presence({ windowId: 'T01', hallId: 't1' }), SITE)).toEqual({ halls: ['t1'] });
  });
});
