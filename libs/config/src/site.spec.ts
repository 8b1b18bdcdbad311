import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_EVALUATION_WEIGHTS, DEFAULT_RULES, DEFAULT_WAIT_TARGET } from '@hallwatch/domain';
import { loadSite, parseSite, SiteConfigError, windowSchedule } from './site';

const ISSUE_EXAMPLE = `
timezone: Asia/Shanghai
halls:
  - { id: h1, name: 区行政审批服务大厅, kind: hall, minStaffedWindows: 1 }
cameras:
  - { id: cam-1, hall: h1, rtsp: "rtsp://127.0.0.1:8554/cam1", sampleEverySeconds: 1 }
windows:
  - id: W01
    hall: h1
    name: 1号窗口
    department: 区市场监管局
    camera: cam-1
    zone: [[0.40, 0.0], [0.80, 0.0], [0.80, 1.0], [0.40, 1.0]]
schedules:
  default: { weekdays: [mon, tue, wed, thu, fri, sat, sun], open: ["00:00-24:00"] }
rules: { absenceAfter: 10s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h }
`;

function problemsOf(text: string): string[] {
  try {
    parseSite(text, 'site.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(SiteConfigError);
    return (err as SiteConfigError).problems;
  }
  throw new Error('expected the site file to be rejected');
}

describe('site file', () => {
  it('masks evidence outside the window zones unless evidence.mask is none, and names a wrong value', () => {
    expect(parseSite(ISSUE_EXAMPLE).evidence).toEqual({ retention: 180 * 86_400_000, mask: 'outside-zones' });
    expect(parseSite(`${ISSUE_EXAMPLE}evidence: { mask: none }\n`).evidence.mask).toBe('none');
    expect(problemsOf(`${ISSUE_EXAMPLE}evidence: { mask: blur }\n`).join('\n')).toMatch(/evidence\.mask/);
    expect(problemsOf(`${ISSUE_EXAMPLE}evidence: { masks: none }\n`).join('\n')).toMatch(/masks/);
  });

  it("reads counter and waiting zones (none by default) and names a waiting zone on another hall's camera", () => {
    expect(parseSite(ISSUE_EXAMPLE).halls[0].waitingZones).toEqual([]);
    expect(parseSite(ISSUE_EXAMPLE).windows[0].counterZone).toBeUndefined();
    const zoned = ISSUE_EXAMPLE.replace(
      'minStaffedWindows: 1 }',
      'minStaffedWindows: 1, waitingZones: [{ camera: cam-1, zone: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] }] }',
    ).replace('    camera: cam-1\n', '    camera: cam-1\n    counterZone: [[0.4, 0.6], [0.8, 0.6], [0.8, 1], [0.4, 1]]\n');
    const site = parseSite(zoned);
    expect(site.halls[0].waitingZones).toEqual([{ camera: 'cam-1', zone: [[0, 0.5], [1, 0.5], [1, 1], [0, 1]] }]);
    expect(site.windows[0].counterZone).toEqual([[0.4, 0.6], [0.8, 0.6], [0.8, 1], [0.4, 1]]);
    expect(problemsOf(zoned.replace('{ camera: cam-1, zone', '{ camera: cam-9, zone'))).toContain('halls[0].waitingZones[0].camera: no camera "cam-9"');
    expect(problemsOf(zoned.replace('counterZone: [[0.4, 0.6], [0.8, 0.6], ', 'counterZone: [')).join('\n')).toMatch(/windows\[0\]\.counterZone: needs at least 3 points/);
  });

  it('accepts the example of the platform issue, with durations in ms and defaults filled in', () => {
    const site = parseSite(ISSUE_EXAMPLE);
    expect(site.rules).toEqual({
      absenceAfter: 10_000,
      lateAfter: 3_600_000,
      earlyLeaveBefore: 3_600_000,
      gapAfter: 3_600_000,
      queueMismatchAfter: 300_000,
      waitingAtEmptyAfter: 60_000,
      awayMax: 900_000,
      awayPerDayMax: 3_600_000,
      frozenAfter: 30_000,
      waitTarget: 1_800_000,
    });
    expect(site.windows[0].minStaff).toBe(1);
    expect(site.halls[0].schedule).toBe('default');
    expect(windowSchedule(site, site.windows[0]).open).toEqual(['00:00-24:00']);
  });

  it("fills unset rules with the domain's defaults, not values of its own", () => {
    const site = parseSite(
      ISSUE_EXAMPLE.replace('rules: { absenceAfter: 10s, lateAfter: 1h, earlyLeaveBefore: 1h, gapAfter: 1h }', 'rules: { lateAfter: 1h }'),
    );
    expect(site.rules).toEqual({ ...DEFAULT_RULES, lateAfter: 3_600_000, frozenAfter: 30_000, waitTarget: DEFAULT_WAIT_TARGET });
    expect(parseSite(ISSUE_EXAMPLE.replace(/^rules:.*$/m, '')).rules).toEqual({
      ...DEFAULT_RULES,
      frozenAfter: 30_000,
      waitTarget: DEFAULT_WAIT_TARGET,
    });
  });

  it('reads supervision.yellowBefore as a duration or working days, 1wd when unset, and names a bad one', () => {
    expect(parseSite(ISSUE_EXAMPLE).supervision.yellowBefore).toEqual({ workingDays: 1 });
    expect(parseSite(`${ISSUE_EXAMPLE}supervision: { yellowBefore: 4h }\n`).supervision.yellowBefore).toEqual({ ms: 4 * 3600_000 });
    expect(parseSite(`${ISSUE_EXAMPLE}supervision: { yellowBefore: 2wd }\n`).supervision.yellowBefore).toEqual({ workingDays: 2 });
    expect(problemsOf(`${ISSUE_EXAMPLE}supervision: { yellowBefore: tomorrow }\n`)).toEqual([
      'supervision.yellowBefore: invalid yellowBefore "tomorrow": expected a duration such as "4h" or "1d12h", or working days such as "1wd"',
    ]);
    expect(problemsOf(`${ISSUE_EXAMPLE}supervision: { yellowBefore: 0wd }\n`)).toEqual([
      'supervision.yellowBefore: invalid yellowBefore "0wd": working days must be 1 to 365',
    ]);
    expect(problemsOf(`${ISSUE_EXAMPLE}supervision: { yellowbefore: 1wd }\n`)).toEqual(['supervision.yellowbefore: unknown key']);
  });

  it('reads supervision.badRating (2) and badRatingDueWorkingDays (5) and names a bad one', () => {
    expect(parseSite(ISSUE_EXAMPLE).supervision).toMatchObject({ badRating: 2, badRatingDueWorkingDays: 5 });
    expect(parseSite(`${ISSUE_EXAMPLE}supervision: { badRating: 1, badRatingDueWorkingDays: 3 }\n`).supervision).toMatchObject({
      badRating: 1,
      badRatingDueWorkingDays: 3,
    });
    expect(problemsOf(`${ISSUE_EXAMPLE}supervision: { badRating: 5 }\n`)).toEqual([expect.stringMatching(/^supervision.badRating: /)]);
    expect(problemsOf(`${ISSUE_EXAMPLE}supervision: { badRatingDueWorkingDays: 0 }\n`)).toEqual([
      expect.stringMatching(/^supervision.badRatingDueWorkingDays: /),
    ]);
  });

  it('fills unset evaluation weights with the documented defaults and names a bad one', () => {
    expect(parseSite(ISSUE_EXAMPLE).evaluation.weights).toEqual(DEFAULT_EVALUATION_WEIGHTS);
    const set = parseSite(`${ISSUE_EXAMPLE}evaluation: { weights: { attendance: 60, verifiedComplaint: 10 } }\n`);
    expect(set.evaluation.weights).toEqual({ ...DEFAULT_EVALUATION_WEIGHTS, attendance: 60, verifiedComplaint: 10 });
    expect(problemsOf(`${ISSUE_EXAMPLE}evaluation: { weights: { onTime: -1 } }\n`)).toEqual(['evaluation.weights.onTime: must be 0 or more']);
    expect(problemsOf(`${ISSUE_EXAMPLE}evaluation: { weights: { speed: 1 } }\n`)[0]).toMatch(/evaluation\.weights.*speed/);
  });

  it('accepts the shipped demo and example site files', () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'config');
    expect(loadSite(path.join(root, 'site.yaml')).windows.length).toBeGreaterThan(0);
    expect(loadSite(path.join(root, 'site.example.yaml')).cameras.some((c) => c.onvif)).toBe(true);
  });

  it('names the key and the problem for a zone point outside the frame', () => {
    const text = ISSUE_EXAMPLE.replace('[0.80, 1.0], [0.40, 1.0]', '[1.80, 1.0], [0.40, 1.0]');
    expect(problemsOf(text)).toEqual(['windows[0].zone[2][0]: must be between 0 and 1']);
  });

  it('reports every broken reference at once', () => {
    const text = ISSUE_EXAMPLE.replace('hall: h1\n    name', 'hall: h2\n    name').replace('camera: cam-1', 'camera: cam-9');
    expect(problemsOf(text)).toEqual(['windows[0].hall: no hall "h2"', 'windows[0].camera: no camera "cam-9"']);
  });

  it('rejects unknown keys, bad durations, bad open intervals and ids unfit for NATS subjects', () => {
    expect(problemsOf(ISSUE_EXAMPLE + 'colour: red\n')).toEqual([expect.stringMatching(/colour/)]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('absenceAfter: 10s', 'absenceAfter: soon'))).toEqual([
      'rules.absenceAfter: invalid duration "soon": expected whole numbers with units d, h, m, s or ms in that order, e.g. "10s", "5m", "1h30m"',
    ]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('"00:00-24:00"', '"13:30-12:00"'))).toEqual([
      'schedules.default: open[0]: "13:30-12:00" ends before it starts',
    ]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('id: W01', 'id: "W.01"'))[0]).toMatch(/^windows\[0\]\.id: must be/);
    // In incident subjects (hallwatch.incident.<windowId>.<event>) "_" stands for an incident of no single window.
    expect(problemsOf(ISSUE_EXAMPLE.replace('id: W01', 'id: _'))).toEqual([
      'windows[0].id: "_" stands for no window in incident subjects; name the window otherwise',
    ]);
  });

  it('names every unknown key by its path, however deep: a misspelt rule must not leave the default in force', () => {
    expect(problemsOf(ISSUE_EXAMPLE.replace('absenceAfter: 10s', 'absenseAfter: 5m'))).toEqual(['rules.absenseAfter: unknown key']);
    expect(problemsOf(ISSUE_EXAMPLE.replace('    zone: [', '    zonee: [').replace('camera: cam-1\n', 'camera: cam-1\n    zone: [[0, 0], [1, 0], [1, 1]]\n'))).toEqual([
      'windows[0].zonee: unknown key',
    ]);
    const nested = ISSUE_EXAMPLE.replace('kind: hall,', 'kind: hall, colour: red,')
      .replace('sampleEverySeconds: 1 }', 'sampleEverySeconds: 1, fps: 5, onvif: { host: cam, pass: x } }')
      .replace('open: ["00:00-24:00"] }', 'open: ["00:00-24:00"], holiday: [] }');
    expect(problemsOf(nested)).toEqual(
      expect.arrayContaining(['halls[0].colour: unknown key', 'cameras[0].fps: unknown key', 'cameras[0].onvif.pass: unknown key', 'schedules.default.holiday: unknown key']),
    );
    const roster = `${ISSUE_EXAMPLE}rosters:\n  - { window: W01, staff: x, from: "09:00", to: "12:00", day: mon }\nusers:\n  - { username: a, role: admin, passwordHash: "scrypt$1", hall: h1 }\ndemo: { clips: {}, loop: true }\n`;
    expect(problemsOf(roster)).toEqual(['users[0].hall: unknown key', 'rosters[0].day: unknown key', 'demo.loop: unknown key']);
  });

  it('needs exactly one of rtsp or onvif per camera, and a known time zone', () => {
    const both = ISSUE_EXAMPLE.replace('sampleEverySeconds: 1 }', 'sampleEverySeconds: 1, onvif: { host: cam } }');
    expect(problemsOf(both)).toEqual(['cameras[0]: needs exactly one of rtsp or onvif']);
    expect(problemsOf(ISSUE_EXAMPLE.replace('Asia/Shanghai', 'Mars/Olympus'))).toEqual(['timezone: unknown time zone "Mars/Olympus"']);
  });

  it('refuses plain passwords for users and hall managers without halls', () => {
    const text = `${ISSUE_EXAMPLE}users:\n  - { username: a, role: hall_manager, passwordHash: "hunter2" }\n`;
    expect(problemsOf(text)).toEqual([expect.stringMatching(/^users\[0\]\.passwordHash: must be a hash/)]);
    const noHalls = `${ISSUE_EXAMPLE}users:\n  - { username: a, role: hall_manager, passwordHash: "scrypt$1$2$3$4$5" }\n`;
    expect(problemsOf(noHalls)).toEqual(['users[0].halls: a hall_manager needs at least one hall']);
  });

  it('reads optional hysteresis keys of the rules, checked like the other durations', () => {
    const text = ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, confirmSamples: 5, confirmAfter: 1m }');
    expect(parseSite(text).rules).toMatchObject({ confirmSamples: 5, confirmAfter: 60_000 });
    expect(problemsOf(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, confirmSamples: 0, confirmAfter: later }'))).toEqual([
      'rules.confirmSamples: Number must be greater than or equal to 1',
      expect.stringMatching(/^rules\.confirmAfter: invalid duration "later"/),
    ]);
  });

  it('reads rules.frozenAfter (default 30 s) and refuses one that is not a duration longer than 0s', () => {
    expect(parseSite(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, frozenAfter: 2m }')).rules.frozenAfter).toBe(120_000);
    expect(problemsOf(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, frozenAfter: 0s }'))).toEqual([
      'rules.frozenAfter: must be longer than 0s',
    ]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, frozenAfter: 30 }'))).toEqual([
      expect.stringMatching(/^rules\.frozenAfter: /),
    ]);
  });

  it('reads rules.waitTarget (default 30 min) and refuses one that is not a duration longer than 0s', () => {
    expect(DEFAULT_WAIT_TARGET).toBe(30 * 60_000);
    expect(parseSite(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, waitTarget: 15m }')).rules.waitTarget).toBe(900_000);
    expect(problemsOf(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, waitTarget: 0s }'))).toEqual([
      'rules.waitTarget: must be longer than 0s',
    ]);
    expect(problemsOf(ISSUE_EXAMPLE.replace('gapAfter: 1h }', 'gapAfter: 1h, waitTarget: half an hour }'))).toContainEqual(
      expect.stringMatching(/^rules\.waitTarget: invalid duration "half an hour"/),
    );
  });

  it('reads rosters, naming a bad slot or an unknown window', () => {
    const roster = (entry: string) => `${ISSUE_EXAMPLE}rosters:\n  - ${entry}\n`;
    const site = parseSite(roster('{ window: W01, staff: "张三 (S001)", weekdays: [mon, tue], from: "09:00", to: "12:00" }'));
    expect(site.rosters).toEqual([{ window: 'W01', staff: '张三 (S001)', weekdays: ['mon', 'tue'], from: '09:00', to: '12:00' }]);
    expect(parseSite(ISSUE_EXAMPLE).rosters).toEqual([]);
    expect(problemsOf(roster('{ window: W01, staff: x, from: "12:00", to: "09:00" }'))).toEqual([
      'rosters[0]: from/to: "12:00-09:00" ends before it starts',
    ]);
    expect(problemsOf(roster('{ window: W99, staff: x, dates: ["2026-10-10"], from: "09:00", to: "12:00" }'))).toEqual([
      'rosters[0].window: no window "W99"',
    ]);
  });

  it('says which file it could not read', () => {
    const missing = path.join(fs.mkdtempSync('/tmp/site-'), 'nope.yaml');
    expect(() => loadSite(missing)).toThrow(`${missing}: cannot read the site file (ENOENT)`);
    expect(problemsOf('halls: [')).toEqual([expect.stringMatching(/^YAML: /)]);
  });

  it('reads notifications.webhooks (none when unset), checked like the rest of the file', () => {
    expect(parseSite(ISSUE_EXAMPLE).notifications).toEqual({ webhooks: [] });
    const hooks = (list: string) => `${ISSUE_EXAMPLE}notifications:\n  webhooks:\n${list}`;
    const good = hooks(`    - { url: "https://oapi.dingtalk.com/robot/send?access_token=x", events: [incident.opened, card.issued], halls: [h1], secretEnv: DING_SECRET }
    - { url: "http://10.0.0.5:8080/sms", events: [rectification.overdue], secretEnv: SMS_SECRET }
`);
    expect(parseSite(good).notifications.webhooks).toEqual([
      { url: 'https://oapi.dingtalk.com/robot/send?access_token=x', events: ['incident.opened', 'card.issued'], halls: ['h1'], secretEnv: 'DING_SECRET' },
      { url: 'http://10.0.0.5:8080/sms', events: ['rectification.overdue'], secretEnv: 'SMS_SECRET' },
    ]);
    const one = (fields: string) => problemsOf(hooks(`    - { ${fields} }\n`));
    expect(one('url: "ftp://a.example/x", events: [card.issued], secretEnv: S')).toEqual([
      'notifications.webhooks[0].url: must be an http:// or https:// URL',
    ]);
    expect(one('url: "not a url", events: [card.issued], secretEnv: S')).toContain('notifications.webhooks[0].url: must be an http:// or https:// URL');
    expect(one('url: "https://a.example/x", events: [incident.closed], secretEnv: S')).toEqual([
      expect.stringMatching(/^notifications\.webhooks\[0\]\.events\[0\]: .*'incident\.opened' \| 'card\.issued' \| 'rectification\.overdue'/),
    ]);
    expect(one('url: "https://a.example/x", events: [], secretEnv: S')).toEqual([
      'notifications.webhooks[0].events: needs at least one of incident.opened, card.issued, rectification.overdue',
    ]);
    expect(one('url: "https://a.example/x", events: [card.issued], secretEnv: S, secret: hunter2')).toEqual([
      'notifications.webhooks[0].secret: unknown key',
    ]);
    expect(one('url: "https://a.example/x", events: [card.issued], secretEnv: "my secret value"')).toEqual([
      'notifications.webhooks[0].secretEnv: must be the name of an environment variable (A-Z, 0-9, _), not the secret',
    ]);
    expect(one('url: "https://a.example/x", events: [card.issued], halls: [h1, h9], secretEnv: S')).toEqual([
      'notifications.webhooks[0].halls: no hall "h9"',
    ]);
    expect(problemsOf(`${ISSUE_EXAMPLE}notifications: { webhook: [] }\n`)).toEqual(['notifications.webhook: unknown key']);
    expect(
      problemsOf(hooks(`    - { url: "https://a.example/x", events: [card.issued], secretEnv: A }
    - { url: "https://a.example/x", events: [incident.opened], secretEnv: B }
`)),
    ).toEqual(['notifications.webhooks[1].url: used by an earlier webhook; give it all the events instead']);
  });
});
