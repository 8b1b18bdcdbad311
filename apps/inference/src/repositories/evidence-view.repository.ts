import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Schema } from 'mongoose';

/** One look at an evidence frame: kept apart from the incident, whose document would grow with every view. */
export interface EvidenceView {
  incidentId: string;
  n: number;
  by: string;
  at: Date;
}

export const EVIDENCE_VIEW = 'EvidenceView';
export const EvidenceViewSchema = new Schema<EvidenceView>(
  {
    incidentId: { type: String, required: true },
    n: { type: Number, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'evidence_views', versionKey: false },
);
EvidenceViewSchema.index({ incidentId: 1, at: 1 });

/** Who looked at which evidence frame, when (insert-only). */
@Injectable()
export class EvidenceViewRepository {
  constructor(@InjectModel(EVIDENCE_VIEW) private readonly views: Model<EvidenceView>) {}

  async record(view: EvidenceView): Promise<void> {
    await this.views.create(view);
  }

  /** The views of each of `incidentIds`, oldest first. */
  async of(incidentIds: string[]): Promise<Map<string, EvidenceView[]>> {
    const found = await this.views
      .find({ incidentId: { $in: incidentIds } })
      .sort({ at: 1 })
      .lean();
    const byIncident = new Map<string, EvidenceView[]>(incidentIds.map((id) => [id, []]));
    for (const v of found) byIncident.get(v.incidentId)?.push(v);
    return byIncident;
  }
}
