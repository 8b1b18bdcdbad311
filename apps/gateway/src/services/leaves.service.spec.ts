import type { ClientProxy } from '@nestjs/microservices';
import { of } from 'rxjs';
import { BatchResult, ReportingRequests } from '@hallwatch/contracts';
import type { AuthUser } from '../dtos/auth.types';
import { LeavesService } from './leaves.service';

const rows = [{ id: 'L1', staffId: 'S001' }, { id: 'L2' }];
/** Reporting's answer as it would give it: rows numbered within the batch it was sent. */
const reply: BatchResult = {
  accepted: 1,
  rejected: 1,
  results: [
    { row: 0, id: 'L1', accepted: true },
    { row: 1, id: 'L2', accepted: false, reason: 'staffId must be an id' },
  ],
};

describe('LeavesService (NATS mocked)', () => {
  let sent: { subject: string; payload: unknown }[];
  let service: LeavesService;

  beforeEach(() => {
    sent = [];
    const nats = {
      connect: async () => ({ info: { max_payload: 1024 * 1024 } }),
      send: (subject: string, payload: unknown) => {
        sent.push({ subject, payload });
        return of(reply);
      },
    } as unknown as ClientProxy;
    service = new LeavesService(nats);
  });

  it("sends a hall manager's rows with their halls and name, for reporting to check against the rosters of those halls", async () => {
    const manager: AuthUser = { username: 'm', role: 'hall_manager', halls: ['H1', 'H2'] };
    expect(await service.register(manager, rows)).toEqual(reply);
    expect(sent).toEqual([
      {
        subject: ReportingRequests.importLeaves,
        payload: { leaves: rows, halls: ['H1', 'H2'], by: { username: 'm', role: 'hall_manager' } },
      },
    ]);
  });

  it("sends an admin's rows for every hall (no halls)", async () => {
    const admin: AuthUser = { username: 'a', role: 'admin', halls: [] };
    expect(await service.register(admin, rows)).toEqual(reply);
    expect(sent).toEqual([
      { subject: ReportingRequests.importLeaves, payload: { leaves: rows, halls: undefined, by: { username: 'a', role: 'admin' } } },
    ]);
  });

  it('decides as the signed-in user, whatever else the request says', async () => {
    const supervisor: AuthUser = { username: 'jianchaju', role: 'supervisor', halls: [] };
    await service.decide(supervisor, 'L1', 'approve', '属实');
    expect(sent).toEqual([
      {
        subject: ReportingRequests.decideLeave,
        payload: { id: 'L1', action: 'approve', reason: '属实', by: { username: 'jianchaju', role: 'supervisor' } },
      },
    ]);
  });
});
