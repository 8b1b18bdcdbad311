import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';

/** The last saved state of one hall's monitor, so a restarted instance resumes where it stopped. */
export interface MonitorState {
  _id: string;
  /** JSON of the domain snapshot (kept as text: its keys are ids the database need not understand). */
  snapshot: string;
  savedAt: Date;
}

export const MONITOR_STATE = 'MonitorState';
export const MonitorStateSchema = new Schema<MonitorState>(
  { _id: { type: String, required: true }, snapshot: { type: String, required: true }, savedAt: { type: Date, required: true } },
  { collection: 'monitor_states', versionKey: false },
);

@Injectable()
export class MonitorStateRepository {
  constructor(@InjectModel(MONITOR_STATE) private readonly states: Model<MonitorState>) {}

  async load(hallId: string): Promise<MonitorState | null> {
    return this.states.findById(hallId).lean();
  }

  /** Replaces the hall's saved snapshot. */
  async save(hallId: string, snapshot: unknown): Promise<void> {
    await this.states.updateOne({ _id: hallId }, { $set: { snapshot: JSON.stringify(snapshot), savedAt: new Date() } }, { upsert: true });
  }
}
