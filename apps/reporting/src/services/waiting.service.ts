import { BadRequestException, Injectable } from '@nestjs/common';
import { Subjects, type WaitingCountMessage, type WaitingQuery, type WaitingSeries } from '@hallwatch/contracts';
import { WAITING_SAMPLE_STANDS_MS } from '@hallwatch/domain';
import { UndecodableMessage } from '@hallwatch/runtime';
import { addDays, localHourStart, localHours, waitingHours } from '@hallwatch/stats';
import { WaitingRepository } from '../repositories/waiting.repository';
import { WriteLockRepository } from '../repositories/write-lock.repository';
import { SiteWindows } from './site-windows';

const HOUR = 3_600_000;
/** An hourly series of a long period is large (one row per hall and hour): a quarter at most. */
const MAX_DAYS = 92;

/** The `waitingCount` series: each hall's persons waiting as inference published them, per local hour. */
@Injectable()
export class WaitingService {
  constructor(
    private readonly samples: WaitingRepository,
    private readonly site: SiteWindows,
    private readonly lock: WriteLockRepository,
  ) {}

  /** A sample from hallwatch.hall.<hallId>.waiting; one of another hall's subject, or of a hall the site file lacks, is moved aside. */
  async record(m: WaitingCountMessage, subject: string): Promise<void> {
    if (subject !== Subjects.waitingCount(m.hallId)) throw new UndecodableMessage(`hallId ${m.hallId} is not the hall of ${subject}`);
    if (!this.site.hallIds.includes(m.hallId)) throw new UndecodableMessage(`hallId: no hall ${m.hallId} in the site file`);
    const at = Date.parse(m.at);
    // Under the write lock: FerretDB applies $addToSet as a read and a whole-document write.
    await this.lock.run(async () => {
      this.lock.check();
      await this.samples.add(m.hallId, localHourStart(this.site.timeZone, at), { at, waiting: m.waiting });
    });
  }

  /** Per hall (those asked for, else every hall) and local hour of the dates `from`..`to`: mean and peak over the known minutes. */
  async series(q: WaitingQuery): Promise<WaitingSeries> {
    if (q.to < q.from) throw new BadRequestException(`to (${q.to}) is before from (${q.from})`);
    if (addDays(q.from, MAX_DAYS) <= q.to) throw new BadRequestException(`a waiting series may cover at most ${MAX_DAYS} days`);
    const hours = localHours(this.site.timeZone, q.from, q.to);
    const halls = this.site.hallIds.filter((h) => !q.halls || q.halls.includes(h));
    const rows = [];
    for (const hallId of halls) {
      // The hour before: its last sample may stand into the first hour.
      const samples = await this.samples.samples(hallId, [hours[0] - HOUR, ...hours]);
      for (const h of waitingHours(samples, hours, WAITING_SAMPLE_STANDS_MS))
        rows.push({
          hallId,
          hour: new Date(h.start).toISOString(),
          meanWaiting: h.meanWaiting,
          peakWaiting: h.peakWaiting,
          knownMinutes: h.knownMinutes,
        });
    }
    return { rows };
  }
}
