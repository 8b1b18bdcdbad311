import { Injectable } from '@nestjs/common';
import { KvLeases, NatsAdapter } from '@hallwatch/runtime';

export const HALL_LEASE_BUCKET = 'hallwatch_inference_leases';

/** Hall leases (keys `hall.<id>`): the holder is the one instance monitoring the hall. See KvLeases. */
@Injectable()
export class HallLeaseRepository extends KvLeases {
  constructor(nats: NatsAdapter) {
    super(HALL_LEASE_BUCKET, 'hall', nats);
  }
}
