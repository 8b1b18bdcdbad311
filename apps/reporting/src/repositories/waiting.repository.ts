import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { WaitingSample } from '@hallwatch/stats';
import { type Doc, modelOf } from './documents';
import { WaitingHourSchema } from './reporting.schemas';

/** A hall's persons waiting per local hour (`waiting_hours`), the samples as inference published them. */
@Injectable()
export class WaitingRepository {
  private readonly hours: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.hours = modelOf(connection, 'WaitingHour', WaitingHourSchema);
  }

  /** Adds a sample to its hall-hour (the hour starting at `start`); the same sample again adds nothing. */
  async add(hallId: string, start: number, sample: WaitingSample): Promise<void> {
    await this.hours.collection.updateOne(
      { _id: `${hallId}|${start}` } as never,
      { $set: { hallId, start }, $addToSet: { samples: { at: sample.at, waiting: sample.waiting } } } as never,
      { upsert: true },
    );
  }

  /** The samples of a hall in the hours starting at `starts`. */
  async samples(hallId: string, starts: readonly number[]): Promise<WaitingSample[]> {
    if (starts.length === 0) return [];
    const docs = await this.hours.collection.find({ _id: { $in: starts.map((s) => `${hallId}|${s}`) } } as never).toArray();
    return docs.flatMap((d) => (d.samples as WaitingSample[] | undefined) ?? []);
  }
}
