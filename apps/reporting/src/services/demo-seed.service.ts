import { Injectable, Logger } from '@nestjs/common';
import { windowSchedule } from '@hallwatch/config';
import { incidentSubject, Subjects, SYSTEM_WRITERS, type Writer } from '@hallwatch/contracts';
import { staffIdOf } from '@hallwatch/domain';
import { InjectContext, ServiceContext } from '@hallwatch/runtime';
import { addDays, dayRange, demoHistory, localDate, type DemoHistoryInput, type DemoWindow } from '@hallwatch/stats';
import { DemoSeedsRepository } from '../repositories/demo-seeds.repository';
import { JetStreamRepository } from '../repositories/jetstream.repository';
import { inParallel } from './batch-rows';
import { CasesService } from './cases.service';
import { ComplaintsService } from './complaints.service';
import { LeavesService } from './leaves.service';

/** The marker's name: one demo history per database. */
const MARKER = 'demo-history';
/** The demo's PRNG seed, kept in the marker: every demo database gets the same kind of month. */
export const DEMO_SEED = 20261201;
/** Messages of the history published at once. */
const PUBLISHING = 64;
/** Days of history, ending the day before the first start. */
export const DEMO_DAYS = 30;

/** What one call of seed did. */
export interface DemoSeedResult {
  /** False when the database already had the history (the marker): nothing was added. */
  seeded: boolean;
  from: number;
  to: number;
  counts: Record<string, number>;
}

/**
 * Seeds the demo's month of history once into the database, through the paths real data takes:
 * presence changes and incidents (opened, closed, reviewed) as messages on their JetStream
 * subjects, which the reporting service consumes like inference's; cases, complaints and leaves
 * through the same validated batch imports as `hallwatch import`, written by `demo-seed`. The
 * marker (`demo_seeds`) is stored last, so an interrupted seed runs again at the next start
 * (message ids and re-imports make the repeat change nothing).
 */
@Injectable()
export class DemoSeedService {
  private readonly log = new Logger(DemoSeedService.name);

  constructor(
    @InjectContext() private readonly ctx: ServiceContext,
    private readonly seeds: DemoSeedsRepository,
    private readonly jetstream: JetStreamRepository,
    private readonly cases: CasesService,
    private readonly complaints: ComplaintsService,
    private readonly leaves: LeavesService,
  ) {}

  /** The generator's input for the DEMO_DAYS local days before `now`'s, from the site file. */
  input(now: number): DemoHistoryInput {
    const site = this.ctx.site;
    const today = localDate(site.timezone, now);
    const windows: DemoWindow[] = site.windows.flatMap((w) => {
      const schedule = windowSchedule(site, w);
      if (!schedule) return [];
      const staff = site.rosters.find((r) => r.window === w.id)?.staff;
      return [{ id: w.id, hallId: w.hall, schedule, ...(staff && { staff, staffId: staffIdOf(staff) }) }];
    });
    return {
      timeZone: site.timezone,
      windows,
      from: dayRange(site.timezone, addDays(today, -DEMO_DAYS)).start,
      to: dayRange(site.timezone, today).start,
      seed: DEMO_SEED,
      rules: { absenceAfter: site.rules.absenceAfter, lateAfter: site.rules.lateAfter, earlyLeaveBefore: site.rules.earlyLeaveBefore },
    };
  }

  async seed(now = Date.now()): Promise<DemoSeedResult> {
    const stored = await this.seeds.marker(MARKER);
    if (stored) return { seeded: false, from: stored.from, to: stored.to, counts: stored.counts };
    const input = this.input(now);
    const history = demoHistory(input);
    const writer = SYSTEM_WRITERS.demo;
    // Many publishes in flight (each waits for its ack): one at a time took most of the seed's time.
    // Reporting's rollups do not depend on arrival order; an incident's own events keep theirs.
    await inParallel(history.presence, PUBLISHING, (m) =>
      this.jetstream.publish('presence', Subjects.presence(m.windowId), m, `${writer.username}:presence:${m.windowId}:${m.since}`),
    );
    await inParallel(history.incidents, PUBLISHING, async ({ closed, reviewed }) => {
      const { closedAt: _c, durationMs: _d, ...opened } = closed;
      const id = `${writer.username}:incident:${closed.id}`;
      await this.jetstream.publish('incidents', incidentSubject('opened', opened), opened, `${id}:opened`);
      await this.jetstream.publish('incidents', incidentSubject('closed', closed), closed, `${id}:closed`);
      if (reviewed) await this.jetstream.publish('incidents', incidentSubject('reviewed', reviewed), reviewed, `${id}:reviewed`);
    });
    // A leave needs a bureau member to approve it: the seed approves its own as an admin would (import leaves --approved-by).
    const approver: Writer = { username: writer.username, role: 'admin' };
    const imports = {
      cases: await this.cases.importBatch(history.cases, 0, undefined, writer),
      complaints: await this.complaints.importBatch(history.complaints, 0, undefined, writer),
      leaves: await this.leaves.importBatch(history.leaves, 0, undefined, approver),
    };
    for (const [what, result] of Object.entries(imports)) {
      const refused = result.results.find((r) => !r.accepted);
      // The generator makes only valid rows; a refusal is a bug, and a half-seeded demo is not marked done.
      if (refused) throw new Error(`demo history: a generated ${what} row was refused: ${refused.reason}`);
    }
    const counts = {
      presenceChanges: history.presence.length,
      incidents: history.incidents.length,
      reviews: history.incidents.filter((i) => i.reviewed).length,
      cases: history.cases.length,
      complaints: history.complaints.length,
      leaves: history.leaves.length,
    };
    const marked = await this.seeds.mark(
      MARKER,
      { seed: input.seed, from: input.from, to: input.to, counts },
      { submittedBy: writer.username, submittedAt: new Date(now) },
    );
    if (!marked) this.log.warn('demo history: another start marked it first; the repeated writes changed nothing');
    return { seeded: marked, from: input.from, to: input.to, counts };
  }
}
