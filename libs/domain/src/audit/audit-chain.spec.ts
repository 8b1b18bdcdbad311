import { canonicalJson, chainEntry, chainGenesis, chainHead, entryHash, sha256Hex, verifyChain, type ChainEntry } from './audit-chain';

const incident = { id: 'absence:h1:W01:1', kind: 'absence', hallId: 'h1', windowId: 'W01', openedAt: new Date('2026-11-24T01:00:00Z') };

/** An audit entry as the apps store it. */
type Entry = ChainEntry & { reason?: string; n?: number; correction?: boolean };

function trailOf(...entries: Entry[]): Entry[] {
  const trail: Entry[] = [];
  for (const e of entries) trail.push(chainEntry(incident, trail, e));
  return trail;
}

describe('canonicalJson', () => {
  it('orders keys, leaves out null and undefined fields, writes dates as ISO strings', () => {
    const at = new Date('2026-11-24T08:00:00+08:00');
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: at }, z: undefined, y: null })).toBe(
      '{"a":{"c":"2026-11-24T00:00:00.000Z","d":[1,"x"]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson(undefined)).toThrow(/undefined/);
  });
});

describe('audit hash chain', () => {
  const confirmed = { by: 'jianchaju', at: new Date('2026-11-24T02:00:00Z'), action: 'confirmed', reason: '已核实' };
  const appealed = { by: 'chief-h1', at: new Date('2026-11-24T03:00:00Z'), action: 'appealed', reason: '本人不服' };

  it('links each entry to the one before, the first to the incident', () => {
    const trail = trailOf(confirmed, appealed);
    expect(trail[0].prev).toBe(chainGenesis(incident));
    expect(trail[1].prev).toBe(trail[0].hash);
    expect(trail[0].hash).toBe(sha256Hex(canonicalJson({ ...confirmed, incident: incident.id, prev: trail[0].prev })));
    expect(verifyChain(incident, trail)).toMatchObject({ entries: 2, unchained: 0, head: trail[1].hash, broken: undefined });
  });

  it('gives the same hash for a stored copy with ISO string times and other key order', () => {
    const [entry] = trailOf(confirmed);
    const stored: Entry = {
      reason: entry.reason,
      hash: entry.hash,
      action: entry.action,
      prev: entry.prev,
      at: '2026-11-24T10:00:00.000+08:00',
      by: entry.by,
    };
    expect(verifyChain({ ...incident, openedAt: incident.openedAt.toISOString() }, [stored]).broken).toBeUndefined();
  });

  it('names an altered entry, a removed one, and a hash stripped after chaining', () => {
    const trail = trailOf(confirmed, appealed, { by: 'zhang', at: new Date('2026-11-24T04:00:00Z'), action: 'dismissed', reason: '属实' });
    expect(verifyChain(incident, [trail[0], { ...trail[1], reason: '改过' }, trail[2]]).broken).toMatch(
      /entry 1 \(appealed by chief-h1\).*altered/,
    );
    expect(verifyChain(incident, [trail[0], trail[2]]).broken).toMatch(/entry 1 \(dismissed by zhang\).*prev/);
    const { hash: _h, prev: _p, ...stripped } = trail[2];
    expect(verifyChain(incident, [trail[0], trail[1], stripped]).broken).toMatch(/entry 2 .*no hash/);
  });

  it('ties the chain to the incident: the same entries under another incident do not verify', () => {
    const trail = trailOf(confirmed);
    expect(verifyChain({ ...incident, id: 'absence:h1:W02:1' }, trail).broken).toMatch(/prev/);
    expect(verifyChain({ ...incident, openedAt: new Date('2026-11-24T01:00:01Z') }, trail).broken).toMatch(/prev/);
  });

  it('counts entries from before chaining as unchained, and the first chained entry after them seals them', () => {
    const legacy: Entry[] = [{ by: 'jianchaju', at: new Date('2026-11-20T02:00:00Z'), action: 'confirmed' }];
    const trail = [...legacy, chainEntry(incident, legacy, appealed)];
    expect(trail[1].prev).toBe(chainHead(incident, legacy));
    expect(verifyChain(incident, trail)).toMatchObject({ entries: 2, unchained: 1, broken: undefined });
    expect(verifyChain(incident, [{ ...legacy[0], by: 'someone' }, trail[1]]).broken).toMatch(/entry 1 .*prev/);
    expect(verifyChain(incident, legacy)).toMatchObject({ unchained: 1, broken: undefined });
  });

  it('hashes every field of an entry, including ones added later', () => {
    const hash = (e: Entry, prev: string) => entryHash(incident.id, e, prev);
    const a = hash({ ...confirmed, n: 1 }, 'p');
    expect(hash({ ...confirmed, n: 2 }, 'p')).not.toBe(a);
    expect(hash({ ...confirmed, n: 1, correction: true }, 'p')).not.toBe(a);
    expect(hash({ ...confirmed, n: 1 }, 'q')).not.toBe(a);
  });
});
