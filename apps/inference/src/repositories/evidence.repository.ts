import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { mongo, type Connection } from 'mongoose';
import { sha256Hex } from '@hallwatch/domain';

/** Which moment of an incident a frame shows. */
export type EvidenceRole = 'last-staffed' | 'threshold' | 'end';

export interface EvidenceFile {
  incidentId: string;
  n: number;
  role: EvidenceRole;
  capturedAt: Date;
  /** SHA-256 (hex) of the JPEG as stored, computed as it is stored; missing on frames from before hashing. */
  sha256?: string;
}

/** Evidence JPEGs in GridFS (bucket "evidence"), one file per incident and index n. */
@Injectable()
export class EvidenceRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private bucket(): mongo.GridFSBucket {
    if (!this.connection.db) throw new Error('database is not connected');
    return new mongo.GridFSBucket(this.connection.db, { bucketName: 'evidence' });
  }

  /** Stores frame n of an incident, with its SHA-256, unless it is already there (redelivery stores nothing twice). */
  async put(file: EvidenceFile, jpeg: Buffer): Promise<void> {
    const bucket = this.bucket();
    const filename = `${file.incidentId}/${file.n}`;
    if (await bucket.find({ filename }, { limit: 1 }).hasNext()) return;
    await new Promise<void>((resolve, reject) => {
      const upload = bucket.openUploadStream(filename, { metadata: { ...file, sha256: sha256Hex(jpeg), contentType: 'image/jpeg' } });
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(jpeg);
    });
  }

  /** The evidence frames of each of `incidentIds`, in order of n. */
  async list(incidentIds: string[]): Promise<Map<string, EvidenceFile[]>> {
    const files = await this.bucket()
      .find({ 'metadata.incidentId': { $in: incidentIds } })
      .toArray();
    const byIncident = new Map<string, EvidenceFile[]>(incidentIds.map((id) => [id, []]));
    for (const f of files) byIncident.get((f.metadata as EvidenceFile).incidentId)?.push(f.metadata as EvidenceFile);
    byIncident.forEach((list) => list.sort((a, b) => a.n - b.n));
    return byIncident;
  }

  /** Frame n of an incident: its bytes and what was stored with it. */
  async get(incidentId: string, n: number): Promise<{ jpeg: Buffer; file: EvidenceFile } | null> {
    const bucket = this.bucket();
    const [file] = await bucket.find({ filename: `${incidentId}/${n}` }, { limit: 1 }).toArray();
    if (!file) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStream(file._id)) chunks.push(chunk as Buffer);
    return { jpeg: Buffer.concat(chunks), file: file.metadata as EvidenceFile };
  }

  /** The frames captured before `before`, by incident, the incident of the oldest frame first. */
  async capturedBefore(before: Date): Promise<Map<string, mongo.ObjectId[]>> {
    const old = await this.bucket()
      .find(
        { 'metadata.capturedAt': { $lt: before } },
        { projection: { _id: 1, 'metadata.incidentId': 1 }, sort: { 'metadata.capturedAt': 1 } },
      )
      .toArray();
    const byIncident = new Map<string, mongo.ObjectId[]>();
    for (const f of old) {
      const id = (f.metadata as EvidenceFile).incidentId;
      byIncident.set(id, [...(byIncident.get(id) ?? []), f._id]);
    }
    return byIncident;
  }

  /** Deletes these frames (see capturedBefore); returns how many went. */
  async remove(fileIds: readonly mongo.ObjectId[]): Promise<number> {
    const bucket = this.bucket();
    let removed = 0;
    for (const id of fileIds) {
      try {
        await bucket.delete(id);
        removed++;
      } catch (err) {
        // Gone already (another purge, or a half-deleted file): nothing left to do for it.
        if (!/file not found/i.test((err as Error).message)) throw err;
      }
    }
    return removed;
  }
}
