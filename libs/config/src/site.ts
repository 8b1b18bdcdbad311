import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { NO_WINDOW } from '@hallwatch/contracts';
import {
  assertTimeZone,
  DEFAULT_BAD_RATING,
  DEFAULT_BAD_RATING_DUE_WORKING_DAYS,
  DEFAULT_YELLOW_BEFORE,
  MAX_DUE_WORKING_DAYS,
} from '@hallwatch/domain';
import { duration, id, yellowBefore } from './site-fields';
import { webhook } from './site-notifications';
import { camera, hall, schedule, window } from './site-places';
import { evaluationWeights, rosterEntry, rules } from './site-rules';
import { user } from './site-users';

export { SECRET_ENV_PATTERN } from './site-notifications';

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
