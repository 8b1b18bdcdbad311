import { Injectable } from '@nestjs/common';
import { InjectContext, KvLeases, ServiceContext } from '@hallwatch/runtime';

export const HALL_LEASE_BUCKET = 'hallwatch_inference_leases';

/** Hall leases (keys `hall.<id>`): the holder is the one instance monitoring the hall. See KvLeases. */
@Injectable()
export class HallLeaseRepository extends KvLeases {
  constructor(@InjectContext() ctx: ServiceContext) {
    super(HALL_LEASE_BUCKET, 'hall', ctx.env.streamReplicas);
  }
}
