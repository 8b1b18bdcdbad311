import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, Model } from 'mongoose';
import type { WebhookEvent } from '@hallwatch/domain';
import { type Doc, isDuplicateKey, modelOf } from './documents';
import { WebhookDeliverySchema } from './reporting.schemas';

/** A delivery to add: one event for one webhook. */
export interface NewDelivery {
  webhook: string;
  event: WebhookEvent;
  key: string;
  hallId: string;
  source: string;
  body: string;
}

/** A delivery claimed for one attempt. */
export interface ClaimedDelivery extends NewDelivery {
  _id: string;
  attempts: number;
  claim: string;
}

/** The outcome of an attempt: the HTTP status answered, or why none was. */
export interface Attempt {
  at: Date;
  by: string;
  status?: number;
  error?: string;
}

/**
 * `webhook_deliveries`: the outgoing webhooks' outbox and record. Claims are single-document
 * findOneAndUpdate calls (MongoDB 7 and FerretDB 1.24 both have them), so two reporting instances
 * never hold one delivery at once; every later write is conditional on the claim.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  private readonly deliveries: Model<Doc>;

  constructor(@InjectConnection() connection: Connection) {
    this.deliveries = modelOf(connection, 'WebhookDelivery', WebhookDeliverySchema);
  }

  /** Adds each delivery unless there is one of its webhook and key (then that one stands). Answers how many were new. */
  async add(deliveries: readonly NewDelivery[], now: Date): Promise<number> {
    let added = 0;
    for (const d of deliveries) {
      try {
        await this.deliveries.collection.insertOne({
          _id: `${d.webhook}|${d.key}`,
          ...d,
          status: 'pending',
          attempts: 0,
          dueAt: now,
          createdAt: now,
        } as never);
        added++;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return added;
  }

  /** Claims the pending delivery due first (by `now`) until `holdUntil`; undefined when none is due. */
  async claimDue(now: Date, holdUntil: Date): Promise<ClaimedDelivery | undefined> {
    const claim = randomUUID();
    const d = await this.deliveries.collection.findOneAndUpdate(
      { status: 'pending', dueAt: { $lte: now } },
      { $set: { dueAt: holdUntil, claim } },
      { sort: { dueAt: 1, _id: 1 }, returnDocument: 'after' },
    );
    return d ? (d as unknown as ClaimedDelivery) : undefined;
  }

  /** Whether any delivery is still pending, due or not. */
  async anyPending(): Promise<boolean> {
    return (await this.deliveries.collection.findOne({ status: 'pending' }, { projection: { _id: 1 } })) !== null;
  }

  /** Deletes the deliveries settled (delivered or failed) before `before`; answers how many. */
  async deleteSettledBefore(before: Date): Promise<number> {
    const r = await this.deliveries.collection.deleteMany({ status: { $in: ['delivered', 'failed'] }, triedAt: { $lt: before } });
    return r.deletedCount;
  }

  /** Marks a claimed delivery delivered (answered 2xx). */
  async delivered(d: ClaimedDelivery, attempt: Attempt): Promise<void> {
    await this.settle(d, attempt, { status: 'delivered', deliveredAt: attempt.at });
  }

  /** Records a failed attempt: due again at `dueAt`, or `failed` for good when undefined. */
  async attemptFailed(d: ClaimedDelivery, attempt: Attempt, dueAt: Date | undefined): Promise<void> {
    await this.settle(d, attempt, dueAt ? { dueAt } : { status: 'failed' });
  }

  private async settle(d: ClaimedDelivery, attempt: Attempt, set: Record<string, unknown>): Promise<void> {
    await this.deliveries.collection.updateOne({ _id: d._id, claim: d.claim } as never, {
      $set: { ...set, triedAt: attempt.at, triedBy: attempt.by, lastStatus: attempt.status ?? null, lastError: attempt.error ?? null },
      $inc: { attempts: 1 },
      $unset: { claim: '' },
    });
  }
}
