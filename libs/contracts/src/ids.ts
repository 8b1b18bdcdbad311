import { isISO8601, IsString, Matches, MaxLength, MinLength, registerDecorator, ValidationOptions } from 'class-validator';

/**
 * Names a plain object already answers (Object.prototype's own keys, and `prototype`): an id
 * spelled like one could reach a prototype when used as a key, so no id may take them.
 */
export const RESERVED_IDS: readonly string[] = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'].sort();

/**
 * The one pattern every id follows (hall, window, camera, staff, case, incident): 1-200 letters,
 * digits, "-", "_" or ":" and none of RESERVED_IDS. No dots, spaces or wildcards, since ids go into
 * NATS subjects; no control or bidi characters, since ids go into logs and reports.
 */
export const ID_PATTERN = new RegExp(`^(?!(?:${RESERVED_IDS.join('|')})$)[A-Za-z0-9_:-]{1,200}$`);
export const ID_RULE = '1-200 letters, digits, "-", "_" or ":", and not a reserved name such as __proto__';

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** `@IsId()`: the field is an id (ID_PATTERN); the message names the field and the rule. */
export function IsId(options: ValidationOptions = {}): PropertyDecorator {
  return Matches(ID_PATTERN, { message: ({ property }) => `${property} must be ${ID_RULE}`, ...options });
}

/**
 * Control characters (except tab and line breaks) and the invisible bidi controls (U+202E and
 * kin) that can make a log line or a reason read differently from what it holds.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export function isPlainText(value: unknown): value is string {
  return typeof value === 'string' && !UNSAFE_TEXT.test(value);
}

/** `@IsPlainText()`: a string without control or bidi characters (free text: reasons, names). */
export const IsPlainText = checkedBy('isPlainText', isPlainText, 'must be text without control or bidi characters');

/** The longest reason a person writes (a review, an appeal, a leave and its decisions). */
export const REASON_MAX = 2000;
/** The longest name of a person or a thing (a username, a staff member, a label). */
export const NAME_MAX = 200;

/** `@IsText(max)`: what a person types: a string of 1 to `max` characters without control or bidi characters. */
export function IsText(max: number): PropertyDecorator {
  return (object: object, property: string | symbol) => {
    for (const decorate of [IsString(), MinLength(1), MaxLength(max), IsPlainText()]) decorate(object, property);
  };
}

/** `@IsReason()`: why someone decided, appealed or asked: IsText(REASON_MAX). */
export const IsReason = (): PropertyDecorator => IsText(REASON_MAX);

/** Date, time and an explicit offset: an instant, never a wall-clock time read as UTC. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Answers of isInstant for strings seen lately: a case import checks 5 times per row, and its rows
 * share few distinct times, while the strict ISO 8601 check is the costliest part of validating one.
 */
const instants = new Map<string, boolean>();
const INSTANTS_KEPT = 10_000;

/** True for an ISO 8601 date-time with offset that names a real moment (no 2026-02-30). */
export function isInstant(value: unknown): value is string {
  // Longer than any instant (2026-11-24T09:00:00.123456789+08:00): refused, and never kept.
  if (typeof value !== 'string' || value.length > 35) return false;
  let answer = instants.get(value);
  if (answer === undefined) {
    answer = INSTANT.test(value) && isISO8601(value, { strict: true, strictSeparator: true }) && !Number.isNaN(Date.parse(value));
    if (instants.size >= INSTANTS_KEPT) instants.clear();
    instants.set(value, answer);
  }
  return answer;
}

/** `@IsInstant()`: see isInstant. */
export const IsInstant = checkedBy(
  'isInstant',
  isInstant,
  'must be an ISO 8601 date and time with an offset (e.g. 2026-11-24T09:00:00+08:00)',
);

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30, 2026-13-01 or 0000-00-00). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** `@IsCalendarDate()`: see isCalendarDate. */
export const IsCalendarDate = checkedBy('isCalendarDate', isCalendarDate, 'must be a calendar date written YYYY-MM-DD');

/** A month written YYYY-MM (0001-01 to 9999-12). */
export function isCalendarMonth(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(value) && value >= '0001-01';
}

/** `@IsCalendarMonth()`: see isCalendarMonth. */
export const IsCalendarMonth = checkedBy('isCalendarMonth', isCalendarMonth, 'must be a month written YYYY-MM (e.g. 2026-11)');

/** A class-validator decorator from a check; its message is "<field> <rule>". */
export function checkedBy(name: string, check: (value: unknown) => boolean, rule: string) {
  return (options: ValidationOptions = {}): PropertyDecorator =>
    (object: object, property: string | symbol) =>
      registerDecorator({
        name,
        target: object.constructor,
        propertyName: property as string,
        options,
        validator: { validate: check, defaultMessage: () => `${String(property)} ${rule}` },
      });
}
