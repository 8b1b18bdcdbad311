// The site file's places: halls, their cameras, windows and schedules.
import { z } from 'zod';
import { ScheduleSpec, validateSchedule } from '@hallwatch/domain';
import { id, polygon } from './site-fields';

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

export { camera, hall, schedule, window };
