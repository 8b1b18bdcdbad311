import type { ClientProxy } from '@nestjs/microservices';
import { type Observable, of, throwError } from 'rxjs';
import { InferenceRequests, ReportingRequests } from '@hallwatch/contracts';
import { WindowsService } from './windows.service';

const states = [
  { windowId: 'W1', hallId: 'H1', state: 'absent', since: '2026-12-01T08:00:00.000Z' },
  { windowId: 'W2', hallId: 'H1', state: 'staffed', since: '2026-12-01T08:00:00.000Z' },
];
const declaration = { id: 'a1', windowId: 'W1', reason: '取材料', from: '2026-12-01T08:01:00.000Z', to: '2026-12-01T08:11:00.000Z' };

/** A NATS client whose inference answers `states` and whose reporting answers as `reporting` says. */
function client(reporting: () => Observable<unknown>): ClientProxy {
  return {
    send: (subject: string) => {
      if (subject === InferenceRequests.liveWindows) return of(states);
      if (subject === ReportingRequests.activeAway) return reporting();
      return throwError(() => new Error(`unexpected subject ${subject}`));
    },
  } as unknown as ClientProxy;
}

describe('WindowsService.live', () => {
  it("puts reporting's 暂离 on its window", async () => {
    const live = await new WindowsService(client(() => of([declaration]))).live(['H1']);
    expect(live).toEqual([{ ...states[0], away: declaration }, states[1]]);
  });

  it("answers the judge's states without 暂离 while reporting does not answer", async () => {
    const live = await new WindowsService(client(() => throwError(() => new Error('503 no responders')))).live(['H1']);
    expect(live).toEqual(states);
  });
});
