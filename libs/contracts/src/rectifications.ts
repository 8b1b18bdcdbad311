import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
} from 'class-validator';
import {
  MAX_DUE_WORKING_DAYS,
  PHOTO_MAX_BYTES,
  RECTIFICATION_ACTIONS,
  RECTIFICATION_SOURCES,
  RECTIFICATION_STATES,
  RECTIFICATION_TIERS,
  type RectificationAction,
  type RectificationSource,
  type RectificationState,
  type PhotoType,
  type RectificationTier,
} from '@hallwatch/domain';
import { validateMessage } from './decode';
import { IsId, IsInstant, IsPlainText, IsText, IsReason, NAME_MAX } from './ids';
import { IsWriter, Writer } from './provenance';

export {
  PHOTO_MAX_BYTES,
  RECTIFICATION_ACTIONS,
  RECTIFICATION_SOURCES,
  RECTIFICATION_STATES,
  RECTIFICATION_TIERS,
} from '@hallwatch/domain';
export type { PhotoType, RectificationAction, RectificationSource, RectificationState, RectificationTier } from '@hallwatch/domain';

/** `@IsNested(Type)`: the field is an object valid as `Type`; the message names the field and what is wrong inside it. */
function IsNested(type: new () => object) {
  return (object: object, property: string) =>
    registerDecorator({
      name: 'isNested',
      target: object.constructor,
      propertyName: property,
      validator: {
        validate: (value: unknown) => validateMessage(type, value).ok,
        defaultMessage: (args) => {
          const checked = validateMessage(type, args?.value);
          return `${property}: ${checked.ok ? 'is invalid' : checked.reason}`;
        },
      },
    });
}

/** What an order is issued from: a confirmed incident, a verified complaint, a card (`<caseId>:<color>`) or a case. */
export class RectificationSourceRef {
  @IsIn(RECTIFICATION_SOURCES) kind: RectificationSource;
  @IsId() id: string;
}

/** Whom the order is for: exactly one of a window, a department (of the site file) or a hall. */
export class RectificationTarget {
  @IsOptional() @IsId() window?: string;
  @IsOptional() @IsText(NAME_MAX) department?: string;
  @IsOptional() @IsId() hall?: string;
}

/** The rater called back about a bad rating (回访): when, whether they were reached, and what came of it. */
export class CallBackInput {
  @IsInstant() at: string;
  @IsBoolean() reached: boolean;
  @IsReason() outcome: string;
}

export interface CallBack extends CallBackInput {
  /** Who recorded the call: the signed-in hall manager. */
  by: string;
}

/** Payload of ReportingRequests.issueRectification: POST /api/rectifications, by the signed-in supervisor or admin. */
export class RectificationIssueRequest {
  @IsNested(RectificationSourceRef) source: RectificationSourceRef;
  @IsNested(RectificationTarget) to: RectificationTarget;
  @IsInt() @Min(1) @Max(MAX_DUE_WORKING_DAYS) dueWorkingDays: number;
  @IsText(4000) instructions: string;
  @IsWriter() by: Writer;
}

/** Payload of ReportingRequests.respondRectification: the hall manager's answer (`halls`: theirs). */
export class RectificationRespondRequest {
  @IsId() id: string;
  @IsText(4000) text: string;
  /** Required on the order a bad rating opened: the call-back to the rater. */
  @IsOptional() @IsNested(CallBackInput) callBack?: CallBackInput;
  /** One JPEG or PNG of what was done, base64 (its content is checked by reporting). */
  @IsOptional() @IsBase64() @MaxLength(Math.ceil(PHOTO_MAX_BYTES / 3) * 4) photo?: string;
  @IsWriter() by: Writer;
  /** The responder's halls; undefined for a role that sees every hall. */
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** Payload of ReportingRequests.verifyRectification: the bureau accepts the response or sends it back. */
export class RectificationVerifyRequest {
  @IsId() id: string;
  @IsBoolean() accepted: boolean;
  @IsReason() reason: string;
  @IsWriter() by: Writer;
}

/** Payload of ReportingRequests.listRectifications: orders of `halls` (undefined = every hall), of one state and source kind. */
export class RectificationQuery {
  @IsOptional() @IsIn(RECTIFICATION_STATES) state?: RectificationState;
  @IsOptional() @IsIn(RECTIFICATION_SOURCES) source?: RectificationSource;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** Payload of ReportingRequests.getRectification. */
export class RectificationRef {
  @IsId() id: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** Payload of ReportingRequests.rectificationPhoto: photo n of an order, viewed by `by` (the view is recorded). */
export class RectificationPhotoRef {
  @IsId() id: string;
  @IsInt() @Min(1) n: number;
  @IsText(NAME_MAX) by: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** A response's photo as its step records it: n (from 1, per order), its type by content, its SHA-256 (hex) and size. */
export interface RectificationPhoto {
  n: number;
  contentType: PhotoType;
  sha256: string;
  bytes: number;
}

/** The reply of ReportingRequests.rectificationPhoto: the bytes, base64. */
export interface RectificationPhotoImage {
  contentType: PhotoType;
  data: string;
}

/** One step of an order's history, attributed: who (a user, or `system` for the periodic check and bad ratings), when, what. */
export interface RectificationStep {
  action: RectificationAction;
  by: string;
  at: string;
  /** The state and tier the step left the order in. */
  state: RectificationState;
  tier: RectificationTier;
  /** The hall's response. */
  text?: string;
  /** The bureau's reason, or the instructions when issued. */
  reason?: string;
  callBack?: CallBack;
  /** The photo attached to a response. */
  photo?: RectificationPhoto;
}

/**
 * A rectification order (督办单) as GET /api/rectifications/:id answers it. The order a bad rating
 * opened names the case only: never the rater.
 */
export interface RectificationRecord {
  id: string;
  source: RectificationSourceRef;
  to: RectificationTarget;
  /** The halls the order is for (a department's: every hall it has a window in). */
  halls: string[];
  dueWorkingDays: number;
  instructions: string;
  state: RectificationState;
  tier: RectificationTier;
  issuedBy: string;
  issuedAt: string;
  /** dueWorkingDays on from issuedAt on the target's calendar. */
  dueAt: string;
  /** When an unverified order turns red: dueWorkingDays on again from dueAt. */
  redAt: string;
  verifiedAt?: string;
  /** Of the order a bad rating opened, once the hall has called the rater back. */
  callBack?: CallBack;
  /** How many steps it has had (the version of a conditional write). */
  version: number;
  history: RectificationStep[];
}

/**
 * hallwatch.rectification.<orderId>.<action>: one step of an order, published by reporting after
 * it saved it (message id `rectification:<orderId>:<step>`), for supervision systems: the step,
 * and the order's source, halls and due time as the step left them. Like the order, it names a
 * bad rating's case only, never the rater.
 */
export class RectificationStepMessage {
  @IsId() orderId: string;
  /** The step's place in the order's history, from 1. */
  @IsInt() @Min(1) step: number;
  @IsIn(RECTIFICATION_ACTIONS) action: RectificationAction;
  /** A username, or reporting (the periodic check, bad ratings). */
  @IsText(NAME_MAX) by: string;
  @IsInstant() at: string;
  @IsIn(RECTIFICATION_STATES) state: RectificationState;
  @IsIn(RECTIFICATION_TIERS) tier: RectificationTier;
  @IsNested(RectificationSourceRef) source: RectificationSourceRef;
  @IsArray() @ArrayMaxSize(500) @IsId({ each: true }) halls: string[];
  @IsInstant() dueAt: string;
  /** The hall's response (responded). */
  @IsOptional() @IsString() @MaxLength(4000) @IsPlainText() text?: string;
  /** The bureau's reason, or the instructions when issued. */
  @IsOptional() @IsString() @MaxLength(4000) @IsPlainText() reason?: string;
}

/**
 * The steps of `order` after its first `known` (0: every step), as published on
 * hallwatch.rectification.<orderId>.<action>; a write may append two (the check's overdue and escalated).
 */
export function rectificationSteps(order: RectificationRecord, known = 0): RectificationStepMessage[] {
  return order.history.slice(known).map((step, i) => ({
    orderId: order.id,
    step: known + i + 1,
    action: step.action,
    by: step.by,
    at: step.at,
    state: step.state,
    tier: step.tier,
    source: order.source,
    halls: order.halls,
    dueAt: order.dueAt,
    ...(step.text !== undefined && { text: step.text }),
    ...(step.reason !== undefined && { reason: step.reason }),
  }));
}

/** Orders a list answers at most (the newest first). */
export const RECTIFICATION_LIST_LIMIT = 1000;
