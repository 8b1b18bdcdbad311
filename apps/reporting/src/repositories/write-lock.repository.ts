import { Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectContext, KvMutex, LockLost, NatsAdapter, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';

/** Times work whose lock was lost mid-way (NATS unreachable for seconds) is run again from the start. */
const RUNS_AFTER_LOSS = 5;

/**
 * The one lock every reporting write runs under, shared by all reporting instances and the CLI
 * import (bucket `hallwatch_reporting_lock`). Needed because FerretDB 1.24 applies an update (a
 * conditional one, $inc, $addToSet, findOneAndReplace) as a read followed by an unconditional
 * write of the whole document, so two writers can both pass the same condition; only inserts and
 * such a lock are atomic on both FerretDB and MongoDB 7. Writes are short (one event, or a chunk
 * of cases), so one lock for everything keeps the rules simple at a cost the event rate allows.
 * Every write checks the lock first (`check`): a holder whose lock ran out stops writing before
 * another can take it, and its work, idempotent like every reporting write, runs again.
 */
@Injectable()
export class WriteLockRepository implements OnApplicationShutdown {
  private readonly log = new Logger(WriteLockRepository.name);
  private readonly mutex: KvMutex;

  constructor(
    @InjectContext() ctx: ServiceContext,
    nats: NatsAdapter,
    /** Where the lock's waits are observed (hallwatch_lock_wait_seconds); without it (tests) nowhere. */
    @Optional() metrics?: ServiceMetrics,
  ) {
    this.mutex = new KvMutex('hallwatch_reporting_lock', nats, ctx.env.instance, (_key, why) =>
      this.log.warn(`reporting write lock lost while writing (${why}): its work stops and runs again`),
    );
    if (metrics) this.mutex.observeWaits(metrics);
  }

  /** Runs `work` while holding the lock; again from the start when the lock was lost mid-way. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    for (let run = 1; ; run++) {
      try {
        return await this.mutex.run('writes', work);
      } catch (err) {
        if (!(err instanceof LockLost) || run >= RUNS_AFTER_LOSS) throw err;
      }
    }
  }

  /** Throws LockLost unless the calling work (see run) still holds the lock: call it before each write. */
  check(): void {
    this.mutex.check();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mutex.close();
  }
}
