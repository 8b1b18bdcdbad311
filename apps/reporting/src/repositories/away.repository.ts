import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { AwayDeclarationMessage } from '@hallwatch/contracts';
import { type Doc, modelOf } from './documents';
import { AwayDaySchema } from './reporting.schemas';

/** 暂离 declarations per window and local date of their start (`away_declarations`), insert-only. */
@Injectable()
export class AwayRepository {
  private readonly days: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.days = modelOf(connection, 'AwayDay', AwayDaySchema);
  }

  /** Adds a declaration to its window-day (`${windowId}|${date}`); atomic, and the same declaration again adds nothing. */
  async add(d: AwayDeclarationMessage, date: string): Promise<void> {
    await this.days.collection.updateOne(
      { _id: `${d.windowId}|${date}` } as never,
      { $set: { windowId: d.windowId, hallId: d.hallId, date }, $addToSet: { declarations: { ...d } } } as never,
      { upsert: true },
    );
  }

  /** The declarations of these window-days (`${windowId}|${date}`), oldest first. */
  async ofDays(days: readonly string[]): Promise<AwayDeclarationMessage[]> {
    if (days.length === 0) return [];
    const docs = await this.days.collection.find({ _id: { $in: [...new Set(days)] } } as never).toArray();
    const all = docs.flatMap((d) => (d.declarations as AwayDeclarationMessage[] | undefined) ?? []);
    return all.sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  }
}
