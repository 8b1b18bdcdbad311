import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { QueueEvent } from '@hallwatch/domain';
import { type Doc, modelOf } from './documents';
import { QueueDaySchema } from './reporting.schemas';

/** Queue session events (login, pause, resume, logout) per window and local date (`queue_days`). */
@Injectable()
export class QueueRepository {
  private readonly queue: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.queue = modelOf(connection, 'QueueDay', QueueDaySchema);
  }

  /** A window's queue events of one local date, in time order (then by event name, for a stable order). */
  async queueDay(windowId: string, date: string): Promise<QueueEvent[]> {
    return (await this.queueDays(windowId, [date])).get(date)!;
  }

  /** queueDay of several dates in one query (one $in, as PresenceRepository.presenceDays, for the same reason). */
  async queueDays(windowId: string, dates: readonly string[]): Promise<Map<string, QueueEvent[]>> {
    const unique = [...new Set(dates)];
    const docs = await this.queue.collection.find({ _id: { $in: unique.map((d) => `${windowId}|${d}`) } } as never).toArray();
    const byId = new Map(docs.map((d) => [d._id as unknown as string, d]));
    const key = (e: QueueEvent) => `${e.event}|${e.staffId}`;
    return new Map(
      unique.map((date) => {
        const events = (byId.get(`${windowId}|${date}`)?.events as Omit<QueueEvent, 'windowId'>[] | undefined) ?? [];
        const all = events.map((e) => ({ windowId, ...e }));
        return [date, all.sort((a, b) => a.at - b.at || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))];
      }),
    );
  }

  /**
   * Adds a queue event to its window-day, and who submitted it to `submitted` (beside the events,
   * so the same event from two routes still counts once); atomic and idempotent like addPresenceChange.
   */
  async addQueueEvent(e: QueueEvent, date: string, writer: { by: string; submittedAt?: string }): Promise<void> {
    const event = { staffId: e.staffId, event: e.event, at: e.at };
    const submitted = { ...event, by: writer.by, ...(writer.submittedAt && { submittedAt: writer.submittedAt }) };
    await this.queue.collection.updateOne(
      { _id: `${e.windowId}|${date}` } as never,
      { $set: { windowId: e.windowId, date }, $addToSet: { events: event, submitted } } as never,
      { upsert: true },
    );
  }
}
