import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { mongo, type Connection } from 'mongoose';
import type { PhotoType } from '@hallwatch/domain';

/** Who looked at photo n of an order, and when (`rectification_photo_views`, insert-only). */
export interface PhotoView {
  orderId: string;
  n: number;
  by: string;
  at: Date;
}

/**
 * Responses' photos in GridFS (bucket "rectification_photos"), one file per order and SHA-256:
 * stored before the step that names it, so a step never names a photo that is not there (a step
 * that then fails to save leaves a photo nobody names, stored once however often it is sent).
 */
@Injectable()
export class RectificationPhotosRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private db(): mongo.Db {
    if (!this.connection.db) throw new Error('database is not connected');
    return this.connection.db;
  }

  private bucket(): mongo.GridFSBucket {
    return new mongo.GridFSBucket(this.db(), { bucketName: 'rectification_photos' });
  }

  async put(orderId: string, sha256: string, contentType: PhotoType, bytes: Buffer): Promise<void> {
    const bucket = this.bucket();
    const filename = `${orderId}/${sha256}`;
    if (await bucket.find({ filename }, { limit: 1 }).hasNext()) return;
    await new Promise<void>((resolve, reject) => {
      const upload = bucket.openUploadStream(filename, { metadata: { orderId, sha256, contentType } });
      upload.once('finish', () => resolve());
      upload.once('error', reject);
      upload.end(bytes);
    });
  }

  async get(orderId: string, sha256: string): Promise<Buffer | null> {
    const bucket = this.bucket();
    const [file] = await bucket.find({ filename: `${orderId}/${sha256}` }, { limit: 1 }).toArray();
    if (!file) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStream(file._id)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async recordView(view: PhotoView): Promise<void> {
    await this.db()
      .collection<PhotoView>('rectification_photo_views')
      .insertOne({ ...view });
  }
}
