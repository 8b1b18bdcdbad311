import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect, KV, NatsConnection, StringCodec } from 'nats';

export const LEASE_BUCKET = 'hallwatch_ingestion_leases';
/** A lease not renewed for this long expires, so a dead instance's cameras free up. */
export const LEASE_TTL_MS = 15000;

const codec = StringCodec();
const cameraKey = (cameraId: string) => `camera.${cameraId}`;
const instanceKey = (instance: string) => `instance.${instance}`;

/**
 * Camera leases in a JetStream key-value bucket whose entries expire after LEASE_TTL_MS: `create`
 * succeeds for exactly one instance while the key is absent, and `update` with the last revision
 * succeeds only for the holder. Live instances announce themselves in the same bucket.
 */
@Injectable()
export class LeaseRepository implements OnApplicationShutdown {
  private nc?: NatsConnection;
  private kv?: KV;
  /** Revision of each lease this instance holds. */
  private readonly held = new Map<string, number>();

  async open(natsUrl: string, name: string): Promise<void> {
    this.nc = await connect({ servers: natsUrl, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
    this.kv = await this.nc.jetstream().views.kv(LEASE_BUCKET, { ttl: LEASE_TTL_MS, history: 1 });
  }

  /** Says "this instance is alive" (expires with the TTL like a lease). */
  async announce(instance: string): Promise<void> {
    await this.bucket().put(instanceKey(instance), codec.encode(new Date().toISOString()));
  }

  async liveInstances(): Promise<number> {
    let count = 0;
    for await (const _ of await this.bucket().keys(instanceKey('>'))) count++;
    return count;
  }

  /** Takes the camera's lease if nobody holds it; true when this instance now holds it. */
  async acquire(cameraId: string, instance: string): Promise<boolean> {
    try {
      this.held.set(cameraId, await this.bucket().create(cameraKey(cameraId), codec.encode(instance)));
      return true;
    } catch {
      // Held already: by another instance, or by this one before a restart under the same name.
      return this.adoptIfOurs(cameraId, instance);
    }
  }

  /** Extends a held lease; false when it was lost (expired and taken by another instance). */
  async renew(cameraId: string, instance: string): Promise<boolean> {
    const revision = this.held.get(cameraId);
    if (revision === undefined) return false;
    try {
      this.held.set(cameraId, await this.bucket().update(cameraKey(cameraId), codec.encode(instance), revision));
      return true;
    } catch {
      this.held.delete(cameraId);
      // A lost reply (not a lost lease) leaves the lease ours at a revision we did not see.
      return this.adoptIfOurs(cameraId, instance);
    }
  }

  private async adoptIfOurs(cameraId: string, instance: string): Promise<boolean> {
    const entry = await this.bucket().get(cameraKey(cameraId)).catch(() => null);
    if (!entry || entry.operation !== 'PUT' || codec.decode(entry.value) !== instance) return false;
    this.held.set(cameraId, entry.revision);
    return true;
  }

  /** Gives a held lease back at once, so another instance need not wait for it to expire. */
  async release(cameraId: string): Promise<void> {
    const revision = this.held.get(cameraId);
    this.held.delete(cameraId);
    if (revision !== undefined) {
      await this.bucket().delete(cameraKey(cameraId), { previousSeq: revision }).catch(() => undefined);
    }
  }

  async retire(instance: string): Promise<void> {
    await this.bucket().delete(instanceKey(instance)).catch(() => undefined);
  }

  // After the services stopped (their hooks run in onModuleDestroy, before this).
  async onApplicationShutdown(): Promise<void> {
    await this.nc?.drain().catch(() => undefined);
  }

  private bucket(): KV {
    if (!this.kv) throw new Error('lease bucket not open');
    return this.kv;
  }
}
