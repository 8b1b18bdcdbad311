import { createHmac } from 'node:crypto';
import { sha256Hex } from '../audit/audit-chain';

/**
 * Outgoing webhooks (site key notifications.webhooks): which webhook wants which event, the body
 * and its signature, the idempotency key and the retry schedule. A delivery is tried until the
 * receiver answers 2xx, at least once per webhook and key, so a receiver deduplicates by the key.
 */

/** The events a webhook can ask for, as the site file and the `X-Hallwatch-Event` header spell them. */
export const WEBHOOK_EVENTS = ['incident.opened', 'card.issued', 'rectification.overdue'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What the rules need of one webhook of the site file. */
export interface WebhookTarget {
  url: string;
  events: readonly WebhookEvent[];
  /** Only events of these halls; undefined: every hall. */
  halls?: readonly string[];
}

/** Whether `webhook` wants `event` of hall `hallId`. */
export function wantsEvent(webhook: WebhookTarget, event: WebhookEvent, hallId: string): boolean {
  return webhook.events.includes(event) && (webhook.halls === undefined || webhook.halls.includes(hallId));
}

/**
 * A webhook's stable id: 16 hex digits of the SHA-256 of its URL. Deliveries and logs name it
 * instead of the URL, which may carry the receiver's access token (DingTalk, WeCom robots).
 */
export function webhookId(url: string): string {
  return sha256Hex(url).slice(0, 16);
}

/** `<event>:<id>`, the same for every delivery of one event, whoever sends it and however often. */
export function idempotencyKey(event: WebhookEvent, id: string): string {
  return `${event}:${id}`;
}

/** The JSON body of a delivery; its exact bytes are stored, so every attempt carries the same signature. */
export function webhookBody(event: WebhookEvent, id: string, at: string, data: object): string {
  return JSON.stringify({ id: idempotencyKey(event, id), event, at, data });
}

/** The `X-Hallwatch-Signature` header's value: `sha256=` and the HMAC-SHA256 (hex) of the exact body bytes under the webhook's secret. */
export function webhookSignature(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Attempts a delivery gets before it is marked `failed` (and kept): the last about 1 h 47 min after the first (webhookRetryDelayMs). */
export const WEBHOOK_MAX_ATTEMPTS = 20;
const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 10 * 60_000;

/**
 * How long after failed attempt `attempt` (1 = the first) the next is due: 1 s, doubling, at most
 * 10 min; undefined when that was the last attempt.
 */
export function webhookRetryDelayMs(attempt: number): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be a whole number from 1, not ${attempt}`);
  if (attempt >= WEBHOOK_MAX_ATTEMPTS) return undefined;
  return Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), LONGEST_RETRY_MS);
}
