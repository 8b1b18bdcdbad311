import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { fuzzRuns, fuzzTimeout, NASTY_STRINGS, prototypePollution } from '../../../test/support/fuzz';
import { parseSite, SiteConfigError } from './site';

const VALID = `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 1 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:8554/cam1", sampleEverySeconds: 1 }
windows:
  - { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: [[0.4, 0.0], [0.8, 0.0], [0.8, 1.0], [0.4, 1.0]] }
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri], open: ["09:00-12:00", "13:30-17:00"], holidays: ["2026-10-01"] }
rules: { absenceAfter: 10m, lateAfter: 15m }
users:
  - { username: admin, role: admin, passwordHash: "scrypt$16384$8$1$AAAA$AAAA" }
rosters:
  - { window: W01, staff: 张三, weekdays: [mon], from: "09:00", to: "12:00" }
`;
const BASE = parseDocument(VALID).toJS() as Record<string, unknown>;

const nasty = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string(), fc.string({ unit: 'binary' }));
const value = fc.oneof(nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const key = fc.oneof(
  fc.constantFrom(
    'id',
    'hall',
    'camera',
    'schedule',
    'zone',
    'kind',
    'timezone',
    'weekdays',
    'open',
    'from',
    'to',
    'username',
    'role',
    'halls',
    'default',
    '__proto__',
    'constructor',
    'prototype',
  ),
  nasty,
);

/** Sets `val` at a random place of a copy of the valid site: somewhere nested, under a real or hostile key. */
function mutate(doc: unknown, steps: number[], k: string, val: unknown): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let here: Record<string, unknown> = copy;
  for (const step of steps) {
    const keys = Object.keys(here);
    const next = keys.length ? here[keys[step % keys.length]] : undefined;
    if (typeof next !== 'object' || next === null) break;
    here = next as Record<string, unknown>;
  }
  Object.defineProperty(here, k, { value: val, enumerable: true, writable: true, configurable: true });
  return copy;
}

const mutatedSite = fc
  .tuple(fc.array(fc.nat(), { maxLength: 4 }), key, value, fc.nat({ max: 2 }))
  .chain(([steps, k, val, more]) =>
    more === 0
      ? fc.constant(mutate(BASE, steps, k, val))
      : fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), key, value).map(([s2, k2, v2]) => mutate(mutate(BASE, steps, k, val), s2, k2, v2)),
  )
  .map((doc) => stringify(doc));
const anyText = fc.oneof(
  mutatedSite,
  mutatedSite,
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.jsonValue().map((v) => stringify(v)),
);

describe('fuzz: site file, issue 11', () => {
  it('the valid base is accepted (so the mutations below start from something real)', () => {
    expect(parseSite(VALID).windows[0].id).toBe('W01');
  });

  it(
    'either accepts a site file or refuses it with SiteConfigError; never another error or a polluted prototype',
    () => {
      let tried = 0;
      let accepted = 0;
      fc.assert(
        fc.property(anyText, (text) => {
          tried++;
          try {
            parseSite(text);
            accepted++;
          } catch (err) {
            if (!(err instanceof SiteConfigError)) throw err;
            expect(err.problems.length).toBeGreaterThan(0);
          }
          expect(prototypePollution()).toEqual([]);
        }),
        { numRuns: fuzzRuns(1000) },
      );
      process.stderr.write(`fuzz site file: ${tried} inputs tried, ${accepted} accepted\n`);
    },
    fuzzTimeout(6000),
  );

  it('refuses reserved and hostile ids, and a schedule named __proto__', () => {
    for (const bad of ['__proto__', 'constructor', 'W\u202E01', 'a.b']) {
      expect(() => parseSite(VALID.replace('id: W01', `id: "${bad}"`))).toThrow(/windows\[0\]\.id: must be 1-200 letters/);
    }
    expect(() => parseSite(VALID.replace('  default: {', '  __proto__: {'))).toThrow(SiteConfigError);
    expect(() => parseSite(VALID.replace('staff: 张三', 'staff: "张\u202E三"'))).toThrow(
      /rosters\[0\]\.staff: must be text without control or bidi/,
    );
  });

  it('does not blow up on an alias bomb', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'
        .split('')
        .map(
          (c, i) =>
            `${c}: &${c} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
        ),
    ].join('\n');
    expect(() => parseSite(bomb)).toThrow(SiteConfigError);
  });
});
