import { CollectionSchema, planMigrations, SchemaTooNew } from './migrations';

const schemas: CollectionSchema<string>[] = [
  {
    collection: 'window_days',
    migrations: [
      { id: 'a', description: 'first', up: 'up-a' },
      { id: 'b', description: 'second', up: 'up-b' },
    ],
  },
  { collection: 'cases', migrations: [] },
];

const ids = (plan: ReturnType<typeof planMigrations<string>>) =>
  plan.map((p) => [p.collection, p.version, p.migrations.map((m) => `${m.id} ${m.from}->${m.to}`)]);

describe('planMigrations', () => {
  it('runs every migration, in order, on documents written before versions were recorded', () => {
    expect(ids(planMigrations(schemas, [{ collection: 'window_days', empty: false }]))).toEqual([
      ['window_days', 3, ['a 1->2', 'b 2->3']],
      ['cases', 1, []],
    ]);
  });

  it('runs only what is newer than the recorded version, and nothing once current', () => {
    expect(ids(planMigrations(schemas, [{ collection: 'window_days', version: 2, empty: false }]))[0]).toEqual([
      'window_days',
      3,
      ['b 2->3'],
    ]);
    expect(ids(planMigrations(schemas, [{ collection: 'window_days', version: 3, empty: false }]))[0]).toEqual(['window_days', 3, []]);
  });

  it('migrates nothing in an empty collection without a version (a new database), whose version is still to record', () => {
    const [plan] = planMigrations(schemas, [{ collection: 'window_days', empty: true }]);
    expect(plan).toEqual({ collection: 'window_days', stored: undefined, version: 3, migrations: [] });
    expect(planMigrations(schemas, [{ collection: 'window_days', version: 3, empty: false }])[0].stored).toBe(3);
  });

  it('refuses data newer than it knows, naming the collection and both versions', () => {
    const plan = () => planMigrations(schemas, [{ collection: 'cases', version: 4, empty: false }]);
    expect(plan).toThrow(SchemaTooNew);
    expect(plan).toThrow('collection cases is at schema version 4, newer than this version of Hallwatch knows (1)');
  });

  it('refuses a recorded version that is no version', () => {
    expect(() => planMigrations(schemas, [{ collection: 'cases', version: 0, empty: false }])).toThrow(
      'collection cases: recorded schema version 0 is not a whole number from 1',
    );
  });

  it('refuses a collection listed twice or a migration id used twice', () => {
    expect(() => planMigrations([...schemas, { collection: 'cases', migrations: [] }], [])).toThrow('collection cases is listed twice');
    const twice = { collection: 'leaves', migrations: [{ id: 'a', description: 'again', up: 'x' }] };
    expect(() => planMigrations([...schemas, twice], [])).toThrow('migration id a is used twice');
  });
});
