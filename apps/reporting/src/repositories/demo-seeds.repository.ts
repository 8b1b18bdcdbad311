import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import { type Doc, isDuplicateKey, modelOf, type WrittenBy } from './documents';
import { DemoSeedSchema } from './reporting.schemas';

/** The marker that the demo's history is in the database (`demo_seeds`). */
export interface DemoSeedMarker {
  seed: number;
  from: number;
  to: number;
  counts: Record<string, number>;
  submittedBy: string;
  submittedAt: number;
}

/** One marker per seeded history, by name. */
@Injectable()
export class DemoSeedsRepository {
  private readonly seeds: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.seeds = modelOf(connection, 'DemoSeed', DemoSeedSchema);
  }

  async marker(id: string): Promise<DemoSeedMarker | undefined> {
    const d = await this.seeds.collection.findOne({ _id: id } as never);
    if (!d) return undefined;
    return {
      seed: d.seed as number,
      from: (d.from as Date).getTime(),
      to: (d.to as Date).getTime(),
      counts: d.counts as Record<string, number>,
      submittedBy: d.submittedBy as string,
      submittedAt: (d.submittedAt as Date).getTime(),
    };
  }

  /** Stores the marker; false when another start stored it first. */
  async mark(id: string, m: { seed: number; from: number; to: number; counts: Record<string, number> }, by: WrittenBy): Promise<boolean> {
    try {
      await this.seeds.collection.insertOne({
        _id: id,
        seed: m.seed,
        from: new Date(m.from),
        to: new Date(m.to),
        counts: m.counts,
        ...by,
      } as never);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
}
