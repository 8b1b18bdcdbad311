import { parseSite, readEnv } from '@hallwatch/config';
import type { QueueEventMessage } from '@hallwatch/contracts';
import type { QueueEventsRepository } from '../repositories/queue-events.repository';
import { QueueEventsService } from './queue-events.service';

const SITE = parseSite(`
timezone: Asia/Shanghai
halls:
  - { id: H1, name: One, kind: hall }
  - { id: H2, name: Two, kind: hall }
cameras:
  - { id: cam1, hall: H1, rtsp: "rtsp://127.0.0.1:9/none" }
  - { id: cam2, hall: H2, rtsp: "rtsp://127.0.0.1:9/none" }
windows:
  - { id: W1, hall: H1, name: One, department: tax, camera: cam1, zone: [[0,0],[1,0],[1,1]] }
  - { id: W2, hall: H2, name: Two, department: tax, camera: cam2, zone: [[0,0],[1,0],[1,1]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-17:00"] }
`);
const at = '2026-11-24T09:00:00+08:00';
const row = (extra: Record<string, unknown> = {}) => ({ windowId: 'W1', staffId: 'S001', event: 'login', at, ...extra });

describe('QueueEventsService (repository mocked)', () => {
  let published: QueueEventMessage[];
  let failNext: boolean;
  let service: QueueEventsService;

  beforeEach(() => {
    published = [];
    failNext = false;
    const repo = {
      publish: async (m: QueueEventMessage) => {
        if (failNext) {
          failNext = false;
          throw new Error('TIMEOUT');
        }
        published.push(m);
      },
    } as unknown as QueueEventsRepository;
    service = new QueueEventsService(repo, { env: readEnv({}), site: SITE, natsUrl: '', mongodbUri: '' });
  });

  it('publishes the good rows in order and answers every row, naming the field of a bad one', async () => {
    const answer = await service.publish({ username: 'a', role: 'admin', halls: [] }, [
      row(),
      row({ event: 'lunch' }),
      row({ windowId: 'W9' }),
      row({ windowId: 'W2', event: 'pause' }),
      row({ at: '2026-11-24T09:00:00' }),
    ]);
    expect(published.map((m) => [m.windowId, m.event, m.submittedBy])).toEqual([
      ['W1', 'login', 'a'],
      ['W2', 'pause', 'a'],
    ]);
    expect(answer.accepted).toBe(2);
    expect(answer.rejected).toBe(3);
    expect(answer.results.map((r) => [r.row, r.accepted])).toEqual([
      [0, true],
      [1, false],
      [2, false],
      [3, true],
      [4, false],
    ]);
    expect(answer.results[0].id).toBe(`queue:W1:${Date.parse(at)}:login`);
    expect(answer.results[1].reason).toMatch(/^event must be one of/);
    expect(answer.results[2].reason).toBe('windowId: no window "W9" in the site file');
    expect(answer.results[4].reason).toMatch(/^at must be an ISO 8601 date and time with an offset/);
  });

  it('names the signed-in user as the submitter, never who a row says', async () => {
    await service.publish({ username: 'm', role: 'hall_manager', halls: ['H1'] }, [row({ submittedBy: 'admin' })]);
    expect(published).toEqual([{ ...row(), submittedBy: 'm', submittedAt: expect.any(String) }]);
  });

  it("refuses a hall manager's rows of other halls, and answers a row NATS did not store as not accepted", async () => {
    failNext = true;
    const answer = await service.publish({ username: 'm', role: 'hall_manager', halls: ['H1'] }, [
      row(),
      row({ windowId: 'W2' }),
      row({ event: 'pause' }),
    ]);
    expect(answer.results).toEqual([
      { row: 0, id: `queue:W1:${Date.parse(at)}:login`, accepted: false, reason: 'not stored, try again: TIMEOUT' },
      { row: 1, id: `queue:W2:${Date.parse(at)}:login`, accepted: false, reason: 'window "W2" is outside your halls' },
      { row: 2, id: `queue:W1:${Date.parse(at)}:pause`, accepted: true },
    ]);
    expect(published.map((m) => m.event)).toEqual(['pause']);
  });
});
