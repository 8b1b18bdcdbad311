import { createHash } from 'node:crypto';

/**
 * The audit trail of an incident as a hash chain: each entry carries `prev` (the hash before it)
 * and `hash` = SHA-256 of the canonical JSON of the entry without `hash`, with `prev` and the
 * incident's id. The first entry's prev is the incident's genesis hash (its id, kind, hall, window
 * and opening time), so an entry cannot be moved to another incident nor the incident's identity
 * rewritten unseen.
 */

/** A JSON value with keys in code-point order, no whitespace, dates as ISO 8601 strings, null and undefined fields left out. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || v === null ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined && (value as Record<string, unknown>)[k] !== null)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${fields.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonicalJson: ${value} has no JSON form`);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint')
    throw new Error(`canonicalJson: a ${typeof value} has no JSON form`);
  return JSON.stringify(value);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What names an incident in its chain. */
export interface ChainedIncident {
  id: string;
  kind: string;
  hallId: string;
  windowId?: string | null;
  openedAt: Date | string;
}

/** An audit entry as stored: its own fields, and prev/hash once chained (missing on entries written before chaining). */
export interface ChainEntry {
  at: Date | string;
  by?: unknown;
  action?: unknown;
  prev?: string | null;
  hash?: string | null;
}

/** The hash the first entry follows. */
export function chainGenesis(incident: ChainedIncident): string {
  const { id, kind, hallId, windowId, openedAt } = incident;
  return sha256Hex(canonicalJson({ genesis: id, kind, hallId, windowId, openedAt: new Date(openedAt) }));
}

/** The hash of `entry` following `prev` in the chain of incident `incidentId`. */
export function entryHash(incidentId: string, entry: ChainEntry, prev: string): string {
  const { hash: _hash, prev: _prev, ...fields } = entry;
  return sha256Hex(canonicalJson({ ...fields, at: new Date(entry.at), incident: incidentId, prev }));
}

/**
 * The hash of the trail's last entry (the genesis for an empty trail), recomputed from every
 * entry's content: entries from before chaining count as if chained, so the first chained entry
 * after them seals them too.
 */
export function chainHead(incident: ChainedIncident, trail: readonly ChainEntry[]): string {
  let head = chainGenesis(incident);
  for (const entry of trail) head = entryHash(incident.id, entry, head);
  return head;
}

/** `entry` as appended to `trail`: with prev and hash. */
export function chainEntry<E extends ChainEntry>(
  incident: ChainedIncident,
  trail: readonly ChainEntry[],
  entry: E,
): E & { prev: string; hash: string } {
  const prev = chainHead(incident, trail);
  const { hash: _hash, prev: _prev, ...fields } = entry;
  return { ...(fields as E), prev, hash: entryHash(incident.id, { ...fields, at: entry.at }, prev) };
}

export interface ChainCheck {
  entries: number;
  /** Entries without prev and hash, all before the first chained one (written before chaining). */
  unchained: number;
  /** The recomputed hash of the last entry (the genesis for an empty trail). */
  head: string;
  /** The recomputed hash after each entry, in order. */
  hashes: string[];
  /** Why the chain is broken (the first fault, naming the entry from 0), undefined when it holds. */
  broken?: string;
}

/** Recomputes the chain: each chained entry's prev and hash must be what its place and content give. */
export function verifyChain(incident: ChainedIncident, trail: readonly ChainEntry[]): ChainCheck {
  let head = chainGenesis(incident);
  let unchained = 0;
  let chained = false;
  let broken: string | undefined;
  const hashes: string[] = [];
  trail.forEach((entry, i) => {
    const hash = entryHash(incident.id, entry, head);
    const what = `entry ${i} (${String(entry.action)} by ${String(entry.by)})`;
    if (entry.hash === undefined || entry.hash === null) {
      if (chained) broken ??= `${what} has no hash after chained entries: its hash was removed`;
      unchained++;
    } else {
      chained = true;
      if (entry.prev !== head) broken ??= `${what}: prev does not match the entry before it (an entry was removed, inserted or reordered)`;
      else if (entry.hash !== hash) broken ??= `${what}: its content does not match its hash (it was altered)`;
    }
    hashes.push(hash);
    head = hash;
  });
  return { entries: trail.length, unchained, head, hashes, broken };
}
