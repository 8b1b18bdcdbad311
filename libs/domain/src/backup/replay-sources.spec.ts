import * as fs from 'node:fs';
import * as path from 'node:path';
import { Streams } from '@hallwatch/contracts';
import { COLLECTION_RECOVERY, describeUnreplayed, recoveryOf, unreplayedCollections } from './replay-sources';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Every collection and GridFS bucket the services' repositories and migrations name. */
function collectionsInCode(): Set<string> {
  const names = new Set<string>();
  for (const app of ['inference', 'reporting', 'ingestion', 'gateway']) {
    const src = path.join(ROOT, 'apps', app, 'src');
    const files = [...fs.readdirSync(path.join(src, 'repositories')).map((f) => path.join('repositories', f)), 'migrations.ts'];
    for (const file of files.filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && fs.existsSync(path.join(src, f)))) {
      const text = fs.readFileSync(path.join(src, file), 'utf8');
      for (const m of text.matchAll(/(?:collection|bucketName|versions): '([\w.]+)'/g)) names.add(m[1].replace(/\.(files|chunks)$/, ''));
    }
  }
  return names;
}

describe('which collections a restore rebuilds from which stream', () => {
  it("names every collection of the services' code, and only those", () => {
    const inCode = collectionsInCode();
    expect(inCode).toContain('incidents');
    expect(inCode).toContain('evidence');
    expect(inCode).toContain('rectification_photos');
    expect(inCode).toContain('reporting_schema_versions');
    expect([...inCode].filter((c) => !(c in COLLECTION_RECOVERY)).sort()).toEqual([]);
    expect(Object.keys(COLLECTION_RECOVERY).filter((c) => !inCode.has(c))).toEqual([]);
  });

  it("replays only from Hallwatch's streams", () => {
    const streams = new Set<string>(Object.values(Streams).map((s) => s.name));
    for (const [collection, r] of Object.entries(COLLECTION_RECOVERY))
      if (r.how === 'replayed' || r.how === 'partly')
        for (const c of r.consumers) expect(`${collection}: ${c.split('/')[0]}: ${streams.has(c.split('/')[0])}`).toMatch(/true$/);
  });

  it('finds GridFS collections by their bucket, and treats an unknown collection as not replayed', () => {
    expect(recoveryOf('evidence.chunks')).toEqual(COLLECTION_RECOVERY.evidence);
    expect(recoveryOf('leaves')).toEqual({ how: 'replayed', consumers: ['HALLWATCH_LEAVES/reporting-leaves'] });
    expect(recoveryOf('later_collection')).toMatchObject({ how: 'none', lost: expect.stringContaining('does not know') });
  });

  it("lists the backup's collections that no stream (or only partly) carries, with their counts, a bucket once", () => {
    const file = (p: string, count: number) => ({ path: p, count, sha256: 'a'.repeat(64) });
    const files = [
      file('db/hallwatch/complaints.jsonl', 3),
      file('db/hallwatch/complaints.indexes.jsonl', 1),
      file('db/hallwatch/leaves.jsonl', 7),
      file('db/hallwatch/evidence.files.jsonl', 4),
      file('db/hallwatch/evidence.chunks.jsonl', 9),
      file('db/hallwatch/cases.jsonl', 2833),
      file('db/hallwatch/window_days.jsonl', 20),
      file('kv/hallwatch_wall_keys.jsonl', 1),
    ];
    const found = unreplayedCollections({ files });
    expect(found.map((u) => [u.collection, u.count])).toEqual([
      ['complaints', 3],
      ['evidence', 4],
      ['cases', 2833],
    ]);
    expect(describeUnreplayed(found[0], '2026-12-01T02:30:00.000Z')).toBe(
      'not replayed: hallwatch.complaints (3 in the backup of 2026-12-01T02:30:00.000Z): complaints entered since (POST /api/complaints, `hallwatch import complaints`)',
    );
    expect(describeUnreplayed(found[2], 'T')).toContain('cases entered since through POST /api/cases or `hallwatch import cases`');
  });
});
