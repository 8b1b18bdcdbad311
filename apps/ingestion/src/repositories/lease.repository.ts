import { Injectable } from '@nestjs/common';
import { InjectContext, KvLeases, ServiceContext } from '@hallwatch/runtime';

export const LEASE_BUCKET = 'hallwatch_ingestion_leases';

/** Camera leases (keys `camera.<id>`) in ingestion's bucket; see KvLeases. */
@Injectable()
export class LeaseRepository extends KvLeases {
  constructor(@InjectContext() ctx: ServiceContext) {
    super(LEASE_BUCKET, 'camera', ctx.env.streamReplicas);
  }
}
