import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ID_PATTERN, ID_RULE, isPlainText, NO_WINDOW } from '@hallwatch/contracts';
import {
  assertTimeZone,
  DEFAULT_EVALUATION_WEIGHTS,
  DEFAULT_RULES,
  DEFAULT_WAIT_TARGET,
  DEFAULT_BAD_RATING,
  DEFAULT_BAD_RATING_DUE_WORKING_DAYS,
  DEFAULT_YELLOW_BEFORE,
  MAX_DUE_WORKING_DAYS,
  parseYellowBefore,
  EvaluationWeights,
  parseDuration,
  RosterEntry,
  ScheduleSpec,
  validateRosterEntry,
  validateSchedule,
  WEBHOOK_EVENTS,
} from '@hallwatch/domain';

/** The one id pattern of every message and request (ids appear in NATS subjects and in maps). */
const id = z.string().regex(ID_PATTERN, `must be ${ID_RULE}`);
const text = z.string().min(1).refine(isPlainText, 'must be text without control or bidi characters');
const fraction = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const duration = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    return z.NEVER;
  }
});
const msText = (ms: number) => `${ms}ms`;
/** `4h` or `1wd` (working days), read by the domain's own parseYellowBefore. */
const yellowBefore = z.string().transform((text, ctx) => {
  try {
    return parseYellowBefore(text);
  } catch (err) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
    return z.NEVER;
  }
});
const polygon = z.array(z.tuple([fraction, fraction])).min(3, 'needs at least 3 points');

/** A waiting area of a hall on one of its cameras: the persons there are counted, never identified. */
const waitingZone = z.object({ camera: id, zone: polygon }).strict();

const hall = z.object({
  id,
  name: z.string().min(1),
  kind: z.enum(['hall', 'township']),
  minStaffedWindows: z.number().int().min(0).default(1),
  schedule: id.default('default'),
  waitingZones: z.array(waitingZone).default([]),
}).strict();

const onvif = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(80),
  user: z.string().default(''),
  password: z.string().default(''),
}).strict();

const camera = z
  .object({
    id,
    hall: id,
    rtsp: z
      .string()
      .regex(/^rtsps?:\/\//, 'must be an rtsp:// or rtsps:// URL')
      .optional(),
    onvif: onvif.optional(),
    sampleEverySeconds: z.number().positive().default(1),
    /** Frames are scaled down to this width for analysis (never up). */
    analysisWidth: z.number().int().min(64).max(3840).default(640),
    /** Keyframe (GOP) interval of the stream; optional: ingestion learns it from the stream itself. */
    keyframeEverySeconds: z.number().positive().optional(),
  })
  .strict()
  .refine((c) => (c.rtsp === undefined) !== (c.onvif === undefined), {
    message: 'needs exactly one of rtsp or onvif',
  });

const window = z.object({
  id,
  hall: id,
  name: z.string().min(1),
  department: z.string().min(1),
  camera: id,
  zone: polygon,
  /** The citizens' side of the counter, on the window's camera: persons there are counted (citizen-waiting-seat-empty). */
  counterZone: polygon.optional(),
  minStaff: z.number().int().min(1).default(1),
  schedule: id.optional(),
}).strict();

/** Schedules are checked by the domain's own rules, so config and runtime never disagree. */
const schedule = z
  .object({
    weekdays: z.array(z.string()),
    open: z.array(z.string()),
    holidays: z.array(z.string()).default([]),
    makeupWorkdays: z.array(z.string()).default([]),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const message of validateSchedule(spec)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  })
  .transform((spec) => spec as ScheduleSpec & { holidays: string[]; makeupWorkdays: string[] });

/** Unset thresholds are the domain's DEFAULT_RULES, so the defaults live in one place. */
const rules = z.object({
  absenceAfter: duration.default(() => msText(DEFAULT_RULES.absenceAfter)),
  lateAfter: duration.default(() => msText(DEFAULT_RULES.lateAfter)),
  earlyLeaveBefore: duration.default(() => msText(DEFAULT_RULES.earlyLeaveBefore)),
  gapAfter: duration.default(() => msText(DEFAULT_RULES.gapAfter)),
  queueMismatchAfter: duration.default(() => msText(DEFAULT_RULES.queueMismatchAfter)),
  waitingAtEmptyAfter: duration.default(() => msText(DEFAULT_RULES.waitingAtEmptyAfter)),
  /** 暂离: the longest one declaration, and the most a window's declarations take in one local day. */
  awayMax: duration.refine((ms) => ms > 0, 'must be longer than 0s').default(() => msText(DEFAULT_RULES.awayMax)),
  awayPerDayMax: duration.refine((ms) => ms > 0, 'must be longer than 0s').default(() => msText(DEFAULT_RULES.awayPerDayMax)),
  /** Hysteresis: agreeing frames needed to change a window's state; unset = the domain's default (3). */
  confirmSamples: z.number().int().min(1).max(100).optional(),
  /** Hysteresis: the least span of those frames; unset = the domain's default (20s). */
  confirmAfter: duration.optional(),
  /** Ingestion reports a camera `frozen` when its picture has not changed for this long. */
  frozenAfter: duration.refine((ms) => ms > 0, 'must be longer than 0s').default('30s'),
  /** The throughput report's share of waits (ticket taken to called) longer than this. */
  waitTarget: duration.refine((ms) => ms > 0, 'must be longer than 0s').default(() => msText(DEFAULT_WAIT_TARGET)),
}).strict();

/** Days and times are checked by the domain's own rules, like schedules. */
const rosterEntry = z
  .object({
    window: id,
    staff: text.pipe(z.string().max(200)),
    weekdays: z.array(z.string()).optional(),
    dates: z.array(z.string()).optional(),
    from: z.string(),
    to: z.string(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    for (const message of validateRosterEntry(entry as RosterEntry)) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  })
  .transform((entry) => entry as RosterEntry);

const weight = z.number().min(0, 'must be 0 or more');
/** Unset weights are the statistics' DEFAULT_EVALUATION_WEIGHTS, documented in one place. */
const evaluationWeights = z
  .object(
    Object.fromEntries(Object.entries(DEFAULT_EVALUATION_WEIGHTS).map(([key, value]) => [key, weight.default(value)])) as {
      [K in keyof EvaluationWeights]: z.ZodDefault<typeof weight>;
    },
  )
  .strict();

const user = z.object({
  username: text,
  /** scrypt hash made by `npx hallwatch users hash-password`; never a plain password. */
  passwordHash: z.string().regex(/^scrypt\$/, 'must be a hash made by `npx hallwatch users hash-password`'),
  role: z.enum(['admin', 'hall_manager', 'supervisor', 'evaluator']),
  halls: z.array(id).default([]),
}).strict();

/** The name of the environment variable holding a webhook's secret: the secret itself is never in the site file. */
export const SECRET_ENV_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
const webhook = z
  .object({
    url: z
      .string()
      .url('must be an http:// or https:// URL')
      .regex(/^https?:\/\//i, 'must be an http:// or https:// URL'),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, `needs at least one of ${WEBHOOK_EVENTS.join(', ')}`),
    /** Only events of these halls; unset: every hall. */
    halls: z.array(id).optional(),
    secretEnv: z.string().regex(SECRET_ENV_PATTERN, 'must be the name of an environment variable (A-Z, 0-9, _), not the secret'),
  })
  .strict();

const site = z
  .object({
    timezone: z.string().default('Asia/Shanghai'),
    halls: z.array(hall).min(1),
    cameras: z.array(camera).default([]),
    windows: z.array(window).default([]),
    schedules: z.record(id, schedule).default({}),
    rules: rules.default({}),
    evidence: z
      .object({
        retention: duration.default('180d'),
        /** outside-zones: blur all but the window zones before a frame is stored (citizens at the counter are not kept). */
        mask: z.enum(['outside-zones', 'none']).default('outside-zones'),
      })
      .strict()
      .default({}),
    /**
     * Yellow and red cards (红黄牌) of cases in flight: yellow once a case is open yellowBefore its
     * deadline, red past it. A case rated badRating or lower opens a rectification order due in
     * badRatingDueWorkingDays.
     */
    supervision: z
      .object({
        yellowBefore: yellowBefore.default(DEFAULT_YELLOW_BEFORE),
        badRating: z.number().int().min(1).max(4).default(DEFAULT_BAD_RATING),
        badRatingDueWorkingDays: z.number().int().min(1).max(MAX_DUE_WORKING_DAYS).default(DEFAULT_BAD_RATING_DUE_WORKING_DAYS),
      })
      .strict()
      .default({}),
    /** The annual evaluation table's score: see docs/scoring.md. */
    evaluation: z.object({ weights: evaluationWeights.default({}) }).strict().default({}),
    /**
     * How long inference keeps ended presence intervals and closed incidents (a confirmed incident
     * is kept, like its evidence): long enough for last year's evaluation to be run again.
     */
    retention: z
      .object({ presence: duration.default('730d'), incidents: duration.default('1095d') })
      .strict()
      .default({}),
    users: z.array(user).default([]),
    /** Outgoing webhooks: reporting posts each event a webhook asks for, signed, until it is answered 2xx. */
    notifications: z.object({ webhooks: z.array(webhook).default([]) }).strict().default({}),
    /** Optional: who staffs which window in which slot; incidents name the staff on roster. */
    rosters: z.array(rosterEntry).default([]),
    /** Demo only: camera id -> video file (relative to the site file) that `hallwatch start` serves over RTSP. */
    demo: z.object({ clips: z.record(id, z.string().min(1)) }).strict().optional(),
  })
  .strict();

export type SiteConfig = z.infer<typeof site>;
export type CameraConfig = SiteConfig['cameras'][number];
/** A window as the site file describes it; the domain's WindowConfig is what the rules see. */
export type SiteWindow = SiteConfig['windows'][number];
export type ScheduleConfig = SiteConfig['schedules'][string];
export type UserConfig = SiteConfig['users'][number];
export type RosterConfig = SiteConfig['rosters'][number];
export type Role = UserConfig['role'];
export type WebhookConfig = SiteConfig['notifications']['webhooks'][number];

export class SiteConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

function keyPath(pathParts: (string | number)[]): string {
  return pathParts.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** Checks what the schema cannot: unique ids and that every reference points at something. */
function crossCheck(config: SiteConfig): string[] {
  const problems: string[] = [];
  const unique = (kind: 'halls' | 'cameras' | 'windows') => {
    const seen = new Set<string>();
    config[kind].forEach((item, i) => {
      if (seen.has(item.id)) problems.push(`${kind}[${i}].id: "${item.id}" is used twice`);
      seen.add(item.id);
    });
    return seen;
  };
  const halls = unique('halls');
  unique('cameras');
  unique('windows');
  const cameras = new Map(config.cameras.map((c) => [c.id, c]));
  const schedules = new Set(Object.keys(config.schedules));
  config.halls.forEach((h, i) => {
    if (!schedules.has(h.schedule)) problems.push(`halls[${i}].schedule: no schedule named "${h.schedule}"`);
    h.waitingZones.forEach((z, j) => {
      const cam = cameras.get(z.camera);
      if (!cam) problems.push(`halls[${i}].waitingZones[${j}].camera: no camera "${z.camera}"`);
      else if (cam.hall !== h.id) problems.push(`halls[${i}].waitingZones[${j}].camera: camera "${z.camera}" is in hall "${cam.hall}", not "${h.id}"`);
    });
  });
  config.cameras.forEach((c, i) => {
    if (!halls.has(c.hall)) problems.push(`cameras[${i}].hall: no hall "${c.hall}"`);
  });
  config.windows.forEach((w, i) => {
    if (w.id === NO_WINDOW) problems.push(`windows[${i}].id: "${NO_WINDOW}" stands for no window in incident subjects; name the window otherwise`);
    if (!halls.has(w.hall)) problems.push(`windows[${i}].hall: no hall "${w.hall}"`);
    const cam = cameras.get(w.camera);
    if (!cam) problems.push(`windows[${i}].camera: no camera "${w.camera}"`);
    else if (cam.hall !== w.hall) {
      problems.push(`windows[${i}].camera: camera "${w.camera}" is in hall "${cam.hall}", not "${w.hall}"`);
    }
    if (w.schedule !== undefined && !schedules.has(w.schedule)) {
      problems.push(`windows[${i}].schedule: no schedule named "${w.schedule}"`);
    }
  });
  const windows = new Set(config.windows.map((w) => w.id));
  config.rosters.forEach((r, i) => {
    if (!windows.has(r.window)) problems.push(`rosters[${i}].window: no window "${r.window}"`);
  });
  config.users.forEach((u, i) => {
    for (const h of u.halls) if (!halls.has(h)) problems.push(`users[${i}].halls: no hall "${h}"`);
    if (u.role === 'hall_manager' && u.halls.length === 0) {
      problems.push(`users[${i}].halls: a hall_manager needs at least one hall`);
    }
  });
  const urls = new Set<string>();
  config.notifications.webhooks.forEach((w, i) => {
    // Deliveries are named by a hash of the URL (webhookId): two webhooks of one URL would be one.
    if (urls.has(w.url)) problems.push(`notifications.webhooks[${i}].url: used by an earlier webhook; give it all the events instead`);
    urls.add(w.url);
    for (const h of w.halls ?? []) if (!halls.has(h)) problems.push(`notifications.webhooks[${i}].halls: no hall "${h}"`);
  });
  for (const cameraId of Object.keys(config.demo?.clips ?? {})) {
    const cam = cameras.get(cameraId);
    if (!cam) problems.push(`demo.clips.${cameraId}: no camera "${cameraId}"`);
    else if (!cam.rtsp || !/^rtsp:\/\/(127\.0\.0\.1|localhost):\d+\//.test(cam.rtsp)) {
      problems.push(`demo.clips.${cameraId}: a demo camera needs an rtsp://127.0.0.1:PORT/PATH address`);
    }
  }
  try {
    assertTimeZone(config.timezone);
  } catch (err) {
    problems.push(`timezone: ${(err as Error).message}`);
  }
  return problems;
}

/** Parses and validates site-file text; throws SiteConfigError naming every bad key. */
export function parseSite(text: string, file = 'site file'): SiteConfig {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SiteConfigError(
      file,
      doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`),
    );
  }
  let plain: unknown;
  try {
    // Aliases resolve here: an unknown anchor or an alias bomb is the file's fault, named as such.
    plain = doc.toJS();
  } catch (err) {
    throw new SiteConfigError(file, [`YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = site.safeParse(plain);
  if (!parsed.success) {
    throw new SiteConfigError(
      file,
      parsed.error.issues.flatMap((issue) =>
        // Each unknown key by its own path: a misspelt key (rules.absenseAfter) would leave a default in force.
        issue.code === z.ZodIssueCode.unrecognized_keys
          ? issue.keys.map((key) => `${keyPath([...issue.path, key])}: unknown key`)
          : [`${keyPath(issue.path) || '(top level)'}: ${issue.message}`],
      ),
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) throw new SiteConfigError(file, problems);
  return parsed.data;
}

export function loadSite(file: string): SiteConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiteConfigError(file, [`cannot read the site file (${(err as NodeJS.ErrnoException).code ?? err})`]);
  }
  return parseSite(text, file);
}

/** The schedule a window follows: its own, else its hall's. */
export function windowSchedule(config: SiteConfig, window: SiteWindow): ScheduleConfig {
  const hallSchedule = config.halls.find((h) => h.id === window.hall)?.schedule ?? 'default';
  return config.schedules[window.schedule ?? hallSchedule];
}
