/** E11000: an insert (or upsert) met a document with the same unique key. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}

/**
 * `write` done once more when it met a duplicate key: two writers upserting the same key at once
 * (MongoDB retries such an upsert itself, FerretDB does not) leave the loser's insert meeting the
 * winner's document; done again, the upsert finds it and is an update. For idempotent writes only.
 */
export async function againOnDuplicateKey<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    return write();
  }
}
