/**
 * `hallwatch analyze` as users run it, on the clips in test/media (Intel IoT devkit sample-videos,
 * CC BY 4.0). Needs the build in dist/ (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const MEDIA = path.join(ROOT, 'test', 'media');
const ZONES = path.join(MEDIA, 'classroom-seated.zones.json');

function hallwatch(...args: string[]) {
  return spawnSync('node', [path.join(ROOT, 'bin', 'hallwatch.js'), ...args], { encoding: 'utf8', timeout: 170_000 });
}

function zonesFile(json: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'zones-')), 'zones.json');
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

describe('hallwatch analyze', () => {
  it('prints one JSON line per zone per second, each agreeing with the classroom zones file', () => {
    const run = hallwatch('analyze', path.join(MEDIA, 'classroom-seated.mp4'), '--zones', ZONES, '--jsonl');
    expect(run.status).toBe(0);
    const expected = new Map<string, boolean>(
      (require(ZONES) as { zones: { id: string; expected: string }[] }).zones.map((z) => [z.id, z.expected === 'occupied']),
    );
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: number; zone: string; occupied: boolean; confidence: number });
    expect(lines).toHaveLength(30 * expected.size);
    expect(lines[0]).toEqual({ t: 0, zone: 'A', occupied: true, confidence: expect.any(Number) });
    expect([...new Set(lines.map((l) => l.t))]).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(lines.filter((l) => l.occupied !== expected.get(l.zone))).toEqual([]);
    expect(lines.every((l) => l.confidence >= 0.5 && l.confidence <= 1)).toBe(true);
  });

  it('samples at --every seconds from t=0', () => {
    const zones = zonesFile({
      zones: [
        {
          id: 'ROOM',
          polygon: [
            [0.2, 0.2],
            [0.8, 0.2],
            [0.8, 0.9],
            [0.2, 0.9],
          ],
        },
      ],
    });
    const run = hallwatch('analyze', path.join(MEDIA, 'empty-room.mp4'), '--zones', zones, '--every', '0.5');
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { t: number; occupied: boolean });
    expect(lines.map((l) => l.t)).toEqual([0, 0.5, 1, 1.5]);
    expect(lines.filter((l) => l.t >= 1 && l.occupied)).toEqual([]);
  });

  it.each([
    ['a missing video', ['/nonexistent/clip.mp4', '--zones', ZONES], /cannot read video/],
    ['a file that is not a video', [ZONES, '--zones', ZONES], /not a readable video/],
    ['a zones file that is not JSON', [path.join(MEDIA, 'empty-room.mp4'), '--zones', zonesFile('{zones:')], /not JSON/],
    ['a zones file without zones', [path.join(MEDIA, 'empty-room.mp4'), '--zones', zonesFile({ cameras: [] })], /bad zones file/],
    [
      'a polygon outside 0..1',
      [
        path.join(MEDIA, 'empty-room.mp4'),
        '--zones',
        zonesFile({
          zones: [
            {
              id: 'A',
              polygon: [
                [0.1, 0.1],
                [1.4, 0.1],
                [0.1, 0.5],
              ],
            },
          ],
        }),
      ],
      /zone A/,
    ],
  ])('fails with one line on %s', (_what, args, message) => {
    const run = hallwatch('analyze', ...args);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^hallwatch analyze: /);
    expect(run.stderr).toMatch(message);
  });
});
