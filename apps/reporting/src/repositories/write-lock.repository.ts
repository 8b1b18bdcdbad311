import { randomBytes } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectContext, KvLeases, LEASE_TTL_MS, leaseInstanceName, ServiceContext } from '@hallwatch/runtime';

/** Longest wait for the lock before a write fails (and its message is redelivered). */
const WAIT_MS = 4 * LEASE_TTL_MS;

/**
 * The one lock every reporting write runs under, shared by all reporting instances and the CLI
 * import through a JetStream key-value entry (created by exactly one holder, expiring after
 * LEASE_TTL_MS unless renewed). It is needed because FerretDB 1.24 applies an update (a
 * conditional one, $inc, $addToSet, findOneAndReplace) as a read followed by an unconditional
 * write of the whole document, so two writers can both pass the same condition; only inserts and
 * this lock are atomic on both FerretDB and MongoDB 7. Writes are short (one event, or a chunk of
 * cases), so one lock for everything keeps the rules simple at a cost the throughput allows.
 */
@Injectable()
export class WriteLockRepository implements OnApplicationShutdown {
  private readonly log = new Logger(WriteLockRepository.name);
  private readonly leases = new KvLeases('hallwatch_reporting_lock', 'writes');
  /** Unique per process, so two processes under one instance name never share the lock. */
  private readonly owner: string;
  private opened?: Promise<void>;
  /** Work of this process waits here for its turn, then for the lock. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@InjectContext() private readonly ctx: ServiceContext) {
    this.owner = leaseInstanceName(`${ctx.env.instance}-${randomBytes(4).toString('hex')}`);
  }

  /** Runs `work` while holding the lock. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(() => this.holding(work));
    this.queue = next;
    return next;
  }

  private async holding<T>(work: () => Promise<T>): Promise<T> {
    await (this.opened ??= this.leases.open(this.ctx.natsUrl, `reporting-lock-${this.owner}`));
    const deadline = Date.now() + WAIT_MS;
    while (!(await this.leases.acquire('all', this.owner))) {
      if (Date.now() > deadline) throw new Error(`reporting write lock: not free within ${WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 25));
    }
    let renewing: Promise<unknown> = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = this.leases.renew('all', this.owner).then((held) => held || this.log.error('reporting write lock lost while writing (held past its TTL)'));
    }, LEASE_TTL_MS / 3);
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      // A renewal in flight changes the revision the release must name.
      await renewing.catch(() => undefined);
      await this.leases.release('all');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.leases.onApplicationShutdown();
  }
}
