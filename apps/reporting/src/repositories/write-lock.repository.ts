import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectContext, KvMutex, ServiceContext } from '@hallwatch/runtime';

/**
 * The one lock every reporting write runs under, shared by all reporting instances and the CLI
 * import (bucket `hallwatch_reporting_lock`). Needed because FerretDB 1.24 applies an update (a
 * conditional one, $inc, $addToSet, findOneAndReplace) as a read followed by an unconditional
 * write of the whole document, so two writers can both pass the same condition; only inserts and
 * such a lock are atomic on both FerretDB and MongoDB 7. Writes are short (one event, or a chunk
 * of cases), so one lock for everything keeps the rules simple at a cost the event rate allows.
 */
@Injectable()
export class WriteLockRepository implements OnApplicationShutdown {
  private readonly log = new Logger(WriteLockRepository.name);
  private readonly mutex: KvMutex;

  constructor(@InjectContext() ctx: ServiceContext) {
    this.mutex = new KvMutex(
      'hallwatch_reporting_lock',
      ctx.natsUrl,
      ctx.env.instance,
      () => this.log.error('reporting write lock lost while writing (held past its TTL)'),
      ctx.env.streamReplicas,
      ctx.natsAuth,
    );
  }

  /** Runs `work` while holding the lock. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.run('writes', work);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mutex.close();
  }
}
