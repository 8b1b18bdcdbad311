import { Injectable } from '@nestjs/common';
import { KvLeases, NatsAdapter } from '@hallwatch/runtime';

export const LEASE_BUCKET = 'hallwatch_ingestion_leases';

/** Camera leases (keys `camera.<id>`) in ingestion's bucket; see KvLeases. */
@Injectable()
export class LeaseRepository extends KvLeases {
  constructor(nats: NatsAdapter) {
    super(LEASE_BUCKET, 'camera', nats);
  }
}
