import { Injectable } from '@nestjs/common';
import { InjectContext, KvLeases, ServiceContext } from '@hallwatch/runtime';
import { HALL_LEASE_BUCKET } from './hall-lease.repository';

/** The retention purge's lease (key `purge.retention` in the hall lease bucket): one purging instance at a time. */
@Injectable()
export class PurgeLeaseRepository extends KvLeases {
  constructor(@InjectContext() ctx: ServiceContext) {
    super(HALL_LEASE_BUCKET, 'purge', ctx.env.streamReplicas);
  }
}
