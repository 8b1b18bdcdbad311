import { encodeMessage, IncidentMessage, incidentSubject } from '@hallwatch/contracts';
import type { JetStreamRepository } from '../repositories/jetstream.repository';
import type { IncidentsService } from '../services/incidents.service';
import type { RollupService } from '../services/rollup.service';
import type { CasesService } from '../services/cases.service';
import type { LeavesService } from '../services/leaves.service';
import type { AwayService } from '../services/away.service';
import type { SiteWindows } from '../services/site-windows';
import type { WaitingService } from '../services/waiting.service';
import { EventsHandler } from './events.handler';

type Consumer = Parameters<JetStreamRepository['consume']>;

/** The handler's consumer of the incidents stream, and what it hands to IncidentsService. */
async function incidentsConsumer() {
  const consumers = new Map<string, Consumer>();
  const jetstream = { consume: async (...args: Consumer) => void consumers.set(args[0], args) } as unknown as JetStreamRepository;
  const calls: [string, IncidentMessage][] = [];
  const incidents = Object.fromEntries(
    ['record', 'reviewed', 'excused', 'unexcused'].map((name) => [name, async (m: IncidentMessage) => void calls.push([name, m])]),
  ) as unknown as IncidentsService;
  await new EventsHandler(
    jetstream,
    {} as SiteWindows,
    {} as RollupService,
    incidents,
    {} as CasesService,
    {} as LeavesService,
    {} as AwayService,
    {} as WaitingService,
  ).onApplicationBootstrap();
  const [, decode, handle, durable] = consumers.get('incidents')!;
  /** What the stream's consumer does with a message on `subject`: the refusal, or the handler's call. */
  const deliver = async (subject: string, message: object) => {
    const decoded = decode(encodeMessage(message), subject);
    if (!decoded.ok) return decoded.reason;
    await handle(decoded.value, subject);
    return calls.pop();
  };
  return { deliver, durable };
}

const at = '2026-11-24T09:00:00+08:00';
const incident: IncidentMessage = { id: 'absence:h1:W01:1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: at };

describe('reporting takes each incident event by its type', () => {
  it('stores opens and closes, reviews, excuses and revoked excuses each by its own handler', async () => {
    const { deliver, durable } = await incidentsConsumer();
    expect(durable).toBe('reporting-incidents');
    const closed = { ...incident, closedAt: at };
    const reviewed = { ...closed, review: 'confirmed' as const, reviewedAt: at };
    const excused = { ...incident, leaveId: 'L1', excusedAt: at };
    const unexcused = { ...incident, revokedLeaveId: 'L1', unexcusedAt: at };
    expect(await deliver(incidentSubject('opened', incident), incident)).toEqual(['record', incident]);
    expect(await deliver(incidentSubject('closed', closed), closed)).toEqual(['record', closed]);
    expect(await deliver(incidentSubject('reviewed', reviewed), reviewed)).toEqual(['reviewed', reviewed]);
    expect(await deliver(incidentSubject('excused', excused), excused)).toEqual(['excused', excused]);
    expect(await deliver(incidentSubject('unexcused', unexcused), unexcused)).toEqual(['unexcused', unexcused]);
  });

  it('refuses, to be moved aside, a message on a subject of no incident event', async () => {
    const { deliver } = await incidentsConsumer();
    expect(await deliver('hallwatch.incident.reviewed', { ...incident, review: 'confirmed', reviewedAt: at })).toMatch(
      /^hallwatch\.incident\.reviewed is not an incident event/,
    );
  });
});
