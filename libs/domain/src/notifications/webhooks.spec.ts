import { createHmac } from 'node:crypto';
import {
  idempotencyKey,
  wantsEvent,
  WEBHOOK_MAX_ATTEMPTS,
  webhookBody,
  webhookId,
  webhookRetryDelayMs,
  webhookSignature,
} from './webhooks';

describe('webhooks', () => {
  it('sends a webhook the events it asks for, of its halls only (every hall without halls)', () => {
    const all = { url: 'https://a.example/hook', events: ['incident.opened', 'card.issued'] as const };
    expect(wantsEvent(all, 'incident.opened', 'H1')).toBe(true);
    expect(wantsEvent(all, 'card.issued', 'H9')).toBe(true);
    expect(wantsEvent(all, 'rectification.overdue', 'H1')).toBe(false);
    const h1 = { ...all, halls: ['H1'] };
    expect(wantsEvent(h1, 'incident.opened', 'H1')).toBe(true);
    expect(wantsEvent(h1, 'incident.opened', 'H2')).toBe(false);
    expect(wantsEvent({ ...all, halls: [] }, 'incident.opened', 'H1')).toBe(false);
  });

  it('signs the exact body bytes with HMAC-SHA256, as the published test vector says', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(webhookSignature('Jefe', 'what do ya want for nothing?')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const body = webhookBody('card.issued', 'c1:red', '2026-12-01T08:00:00.000Z', { caseId: 'c1', color: 'red' });
    expect(webhookSignature('s3cret', Buffer.from(body))).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    // One byte more (a re-serialisation with a space) is another signature.
    expect(webhookSignature('s3cret', `${body} `)).not.toBe(webhookSignature('s3cret', body));
  });

  it('writes the body as {id, event, at, data} with the idempotency key as its id', () => {
    const body = webhookBody('incident.opened', 'inc-1', '2026-12-01T08:00:00.000Z', { id: 'inc-1', hallId: 'H1' });
    expect(JSON.parse(body)).toEqual({
      id: 'incident.opened:inc-1',
      event: 'incident.opened',
      at: '2026-12-01T08:00:00.000Z',
      data: { id: 'inc-1', hallId: 'H1' },
    });
    expect(idempotencyKey('rectification.overdue', 'R-7')).toBe('rectification.overdue:R-7');
  });

  it('names a webhook by a hash of its URL that never shows the URL', () => {
    const url = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';
    expect(webhookId(url)).toMatch(/^[0-9a-f]{16}$/);
    expect(webhookId(url)).toBe(webhookId(url));
    expect(webhookId(url)).not.toBe(webhookId('https://oapi.dingtalk.com/robot/send?access_token=abc124'));
    expect(webhookId(url)).not.toContain('abc123');
  });

  it('retries after 1 s, doubling to 10 minutes, and gives up after the last attempt', () => {
    const delays: number[] = [];
    for (let attempt = 1; webhookRetryDelayMs(attempt) !== undefined; attempt++) delays.push(webhookRetryDelayMs(attempt)!);
    expect(delays.slice(0, 11)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600].map((s) => s * 1000));
    expect(delays).toHaveLength(19);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(20);
    expect(delays.slice(10).every((d) => d === 600_000)).toBe(true);
    // 1023 s of doubling, then nine 10-minute waits: the last attempt 6423 s after the first.
    expect(delays.reduce((a, b) => a + b, 0)).toBe(6423_000);
    expect(() => webhookRetryDelayMs(0)).toThrow('attempt must be a whole number from 1, not 0');
  });
});
