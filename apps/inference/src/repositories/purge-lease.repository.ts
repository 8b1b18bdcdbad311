import { Injectable } from '@nestjs/common';
import { KvLeases, NatsAdapter } from '@hallwatch/runtime';
import { HALL_LEASE_BUCKET } from './hall-lease.repository';

/** The retention purge's lease (key `purge.retention` in the hall lease bucket): one purging instance at a time. */
@Injectable()
export class PurgeLeaseRepository extends KvLeases {
  constructor(nats: NatsAdapter) {
    super(HALL_LEASE_BUCKET, 'purge', nats);
  }
}
