import { BACKUP_FORMAT, checksumMismatches, describeLost, isWorkBucket, manifestProblem, replayPlan, StreamPosition } from './backup';

const sha = (c: string) => c.repeat(64);

describe('backup manifest', () => {
  const manifest = {
    format: BACKUP_FORMAT,
    files: [{ path: 'db/hallwatch/incidents.jsonl', count: 2, sha256: sha('a') }],
    streams: [],
    databases: ['hallwatch'],
    buckets: [],
  };

  it('accepts a manifest of this format with relative paths and checksums', () => {
    expect(manifestProblem(manifest)).toBeUndefined();
  });

  it('names what is wrong with a manifest', () => {
    expect(manifestProblem(null)).toBe('manifest.json is not a JSON object');
    expect(manifestProblem({ ...manifest, format: 9 })).toBe('manifest.json: format 9, this version reads format 1');
    expect(manifestProblem({ ...manifest, files: [{ path: '../etc/passwd', count: 1, sha256: sha('a') }] })).toContain(
      'a file path must be relative and inside the backup ("../etc/passwd")',
    );
    expect(manifestProblem({ ...manifest, files: [{ path: 'a.jsonl', count: 1 }] })).toBe('manifest.json: a.jsonl has no SHA-256');
  });

  it('names each file whose checksum differs or which is missing', () => {
    const files = [
      { path: 'a.jsonl', count: 1, sha256: sha('a') },
      { path: 'b.jsonl', count: 1, sha256: sha('b') },
      { path: 'c.jsonl', count: 1, sha256: sha('c') },
    ];
    const actual = new Map([
      ['a.jsonl', sha('a')],
      ['b.jsonl', sha('0')],
    ]);
    expect(checksumMismatches(files, actual)).toEqual([
      `b.jsonl: SHA-256 ${sha('0')} is not the manifest's ${sha('b')}`,
      'c.jsonl: missing',
    ]);
    expect(checksumMismatches(files, new Map(files.map((f) => [f.path, f.sha256])))).toEqual([]);
  });
});

it('leaves the lease and lock buckets out, keeps the others', () => {
  expect(
    ['hallwatch_ingestion_leases', 'hallwatch_inference_leases', 'hallwatch_incident_locks', 'hallwatch_reporting_lock'].filter(
      isWorkBucket,
    ),
  ).toHaveLength(4);
  expect(['hallwatch_revoked_tokens', 'hallwatch_wall_keys'].filter(isWorkBucket)).toEqual([]);
});

describe('replayPlan: what a restore replays and what is lost', () => {
  const created = '2026-11-01T00:00:00.000Z';
  const backup: StreamPosition[] = [
    {
      name: 'HALLWATCH_PRESENCE',
      created,
      firstSeq: 1,
      lastSeq: 120,
      consumers: [{ name: 'reporting', ackFloor: 100, config: { durable_name: 'reporting' } }],
    },
  ];

  it('resets each consumer to its ack floor + 1 while the stream still holds it: nothing lost', () => {
    const plan = replayPlan(backup, new Map([['HALLWATCH_PRESENCE', { created, firstSeq: 1, lastSeq: 160, consumers: [] }]]));
    expect(plan.lost).toEqual([]);
    expect(plan.resets).toEqual([
      { stream: 'HALLWATCH_PRESENCE', consumer: 'reporting', startSeq: 101, config: { durable_name: 'reporting' } },
    ]);
  });

  it('lists the messages expired past the ack floor, and replays the rest', () => {
    const plan = replayPlan(backup, new Map([['HALLWATCH_PRESENCE', { created, firstSeq: 131, lastSeq: 160, consumers: [] }]]));
    expect(plan.lost).toEqual([expect.objectContaining({ stream: 'HALLWATCH_PRESENCE', consumer: 'reporting', from: 101, to: 130 })]);
    expect(plan.resets[0].startSeq).toBe(131);
    expect(describeLost(plan.lost[0])).toBe(
      "lost: HALLWATCH_PRESENCE for consumer reporting: messages #101-#130 (30): the stream's first message is now #131 (the older ones expired or were purged)",
    );
  });

  it('lists everything after the ack floor as lost when the stream is gone or was made again, and resets nothing', () => {
    for (const now of [undefined, { created: '2026-12-01T00:00:00.000Z', firstSeq: 1, lastSeq: 5, consumers: [] }]) {
      const plan = replayPlan(backup, new Map([['HALLWATCH_PRESENCE', now]]));
      expect(plan.resets).toEqual([]);
      expect(plan.lost).toHaveLength(1);
      expect(describeLost(plan.lost[0])).toMatch(/^lost: HALLWATCH_PRESENCE for consumer reporting: every message after #100: the stream /);
    }
  });

  it('a consumer that had read everything loses nothing when only older messages expired', () => {
    const plan = replayPlan(backup, new Map([['HALLWATCH_PRESENCE', { created, firstSeq: 101, lastSeq: 160, consumers: [] }]]));
    expect(plan.lost).toEqual([]);
    expect(plan.resets[0].startSeq).toBe(101);
  });

  it('replays what came after the backup to a consumer or a stream made since', () => {
    const config = { durable_name: 'webhooks' };
    const plan = replayPlan(
      backup,
      new Map([
        [
          'HALLWATCH_PRESENCE',
          {
            created,
            firstSeq: 1,
            lastSeq: 160,
            consumers: [
              { name: 'reporting', config: {} },
              { name: 'webhooks', config },
            ],
          },
        ],
        ['HALLWATCH_LEAVES', { created, firstSeq: 1, lastSeq: 3, consumers: [{ name: 'inference-leaves', config }] }],
      ]),
    );
    expect(plan.lost).toEqual([]);
    expect(plan.resets.map((r) => [r.stream, r.consumer, r.startSeq])).toEqual([
      ['HALLWATCH_PRESENCE', 'reporting', 101],
      ['HALLWATCH_PRESENCE', 'webhooks', 121],
      ['HALLWATCH_LEAVES', 'inference-leaves', 1],
    ]);
  });
});
