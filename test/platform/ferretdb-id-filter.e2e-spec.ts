import { MongoClient } from 'mongodb';
import { testDatabaseUri } from '../support/e2e';

/**
 * The embedded FerretDB's patch deploy/ferretdb/id-index.patch: a filter with an `_id` (a value
 * or `$in` of values) reads those rows by the `_id` index even when it has other keys, and still
 * matches exactly what MongoDB matches (the whole filter is applied to what the index reads).
 * Against MongoDB (HALLWATCH_TEST_MONGODB pointing at one) the answers must be the same; the plan
 * is FerretDB's own and is checked only there.
 */
describe('the embedded database: filters naming _id', () => {
  let client: MongoClient;
  let ferret: boolean;
  const docs = Array.from({ length: 50 }, (_, i) => ({ _id: `W${i}|2026-12`, version: i % 3, hall: `h${i % 5}` }));

  beforeAll(async () => {
    client = await new MongoClient(testDatabaseUri('idfilter')).connect();
    await client
      .db()
      .collection('months')
      .insertMany(docs as never[]);
    const build = (await client.db().admin().command({ buildInfo: 1 })) as { ferretdbVersion?: string };
    ferret = build.ferretdbVersion !== undefined;
  });

  afterAll(async () => {
    await client?.db().dropDatabase();
    await client?.close();
  });

  const months = () => client.db().collection<{ _id: string; version: number; hall: string }>('months');
  /** The SQLite plan lines FerretDB's explain gives for a find with `filter`. */
  async function plan(filter: object): Promise<string> {
    const res = (await client.db().command({ explain: { find: 'months', filter }, verbosity: 'queryPlanner' })) as {
      queryPlanner?: { Plan?: string[] };
    };
    return (res.queryPlanner?.Plan ?? []).join('\n');
  }

  it('a versioned update by _id changes the document only when the version matches', async () => {
    const stale = await months().updateOne({ _id: 'W4|2026-12', version: 0 }, { $set: { hall: 'moved' }, $inc: { version: 1 } });
    expect(stale.matchedCount).toBe(0);
    const fresh = await months().updateOne({ _id: 'W4|2026-12', version: 1 }, { $set: { hall: 'moved' }, $inc: { version: 1 } });
    expect(fresh.modifiedCount).toBe(1);
    expect(await months().findOne({ _id: 'W4|2026-12' })).toEqual({ _id: 'W4|2026-12', version: 2, hall: 'moved' });
    expect(await months().countDocuments({ hall: 'moved' })).toBe(1);
  });

  it('$in over _id finds exactly the listed documents, the other keys of the filter applied', async () => {
    const ids = ['W1|2026-12', 'W2|2026-12', 'W3|2026-12', 'W49|2026-12', 'missing'];
    const found = await months()
      .find({ _id: { $in: ids } })
      .toArray();
    expect(found.map((d) => d._id).sort()).toEqual(ids.filter((id) => id !== 'missing').sort());
    const filtered = await months()
      .find({ _id: { $in: ids }, version: 1 })
      .toArray();
    expect(filtered.map((d) => d._id).sort()).toEqual(['W1|2026-12', 'W49|2026-12']);
    // An element that is not a string or ObjectID: read whole, still the right answer.
    const mixed = await months()
      .find({ _id: { $in: ['W7|2026-12', 7] } } as never)
      .toArray();
    expect(mixed.map((d) => d._id)).toEqual(['W7|2026-12']);
  });

  it('on FerretDB, reads them by the _id index instead of the whole table', async () => {
    if (!ferret) return expect(ferret).toBe(false); // MongoDB plans its own queries
    const byIndex = /SEARCH .*USING INDEX/;
    expect(await plan({ _id: 'W4|2026-12' })).toMatch(byIndex);
    expect(await plan({ _id: 'W4|2026-12', version: 2 })).toMatch(byIndex);
    expect(await plan({ _id: { $in: ['W1|2026-12', 'W2|2026-12'] } })).toMatch(byIndex);
    // The control: a filter without _id reads the table.
    expect(await plan({ version: 2 })).toMatch(/SCAN/);
    expect(await plan({ version: 2 })).not.toMatch(byIndex);
  });
});
