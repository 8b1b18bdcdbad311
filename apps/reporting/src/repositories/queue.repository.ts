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
    const doc = await this.queue.collection.findOne({ _id: `${windowId}|${date}` } as never);
    const all = ((doc?.events as Omit<QueueEvent, 'windowId'>[]) ?? []).map((e) => ({ windowId, ...e }));
    const key = (e: QueueEvent) => `${e.event}|${e.staffId}`;
    return all.sort((a, b) => a.at - b.at || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
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
