import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Turns raw message bytes into a validated instance of `type`. Never throws: a malformed message
 * comes back with a reason to log, so one bad publisher cannot take a consumer down.
 */
export function decodeMessage<T extends object>(type: new () => T, data: Uint8Array | string): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  return validateMessage(type, json);
}

export function validateMessage<T extends object>(type: new () => T, json: unknown): Decoded<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  const value = plainToInstance(type, json);
  const errors = validateSync(value, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const reason = errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` })).join('; ');
    return { ok: false, reason };
  }
  return { ok: true, value };
}

export function encodeMessage(message: object): Uint8Array {
  return Buffer.from(JSON.stringify(message));
}
