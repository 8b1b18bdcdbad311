import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';

/** The last saved state of one hall's monitor, so the next owner (or a restart) resumes where it stopped. */
export interface MonitorState {
  _id: string;
  /** JSON of the domain snapshot (kept as text: its keys are ids the database need not understand). */
  snapshot: string;
  /**
   * JSON of what the input that led to `snapshot` caused (presence changes, incident events),
   * saved with it in one write and removed once stored and published: if the owner dies in
   * between, the next one delivers it again (every delivery is idempotent).
   */
  outbox?: string;
  savedAt: Date;
}

export const MONITOR_STATE = 'MonitorState';
export const MonitorStateSchema = new Schema<MonitorState>(
  {
    _id: { type: String, required: true },
    snapshot: { type: String, required: true },
    outbox: String,
    savedAt: { type: Date, required: true },
  },
  { collection: 'monitor_states', versionKey: false },
);

@Injectable()
export class MonitorStateRepository {
  constructor(@InjectModel(MONITOR_STATE) private readonly states: Model<MonitorState>) {}

  async load(hallId: string): Promise<MonitorState | null> {
    return this.states.findById(hallId).lean();
  }

  /** Replaces the hall's saved snapshot, with the outbox it caused if given (else any outbox is kept). */
  async save(hallId: string, snapshot: unknown, outbox?: unknown): Promise<void> {
    const set = { snapshot: JSON.stringify(snapshot), savedAt: new Date(), ...(outbox === undefined ? {} : { outbox: JSON.stringify(outbox) }) };
    await this.states.updateOne({ _id: hallId }, { $set: set }, { upsert: true });
  }

  /** The outbox was delivered. */
  async clearOutbox(hallId: string): Promise<void> {
    await this.states.updateOne({ _id: hallId }, { $unset: { outbox: 1 } });
  }
}
