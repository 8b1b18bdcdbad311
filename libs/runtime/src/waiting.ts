/**
 * A lock could not be taken in time, or was lost while held (NATS unreachable, the lease ran out,
 * another holder took it): the work did not run, or stopped before its next write. Nothing is
 * wrong with the work itself, so a message whose handler meets this is held and retried, never
 * counted against its deliveries.
 */
export class LockUnavailable extends Error {
  override readonly name: string = 'LockUnavailable';
}

/** The lock was lost while its work ran: the work was stopped before its next write (see KvMutex.check). */
export class LockLost extends LockUnavailable {
  override readonly name = 'LockLost';
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
