import { recordId, refusedFirst, toBase64 } from './records';

describe('data entry helpers', () => {
  it('encodes bytes as base64, also past one slice', () => {
    expect(toBase64(new Uint8Array([0xc4, 0xe3, 0x0a]))).toBe('xOMK');
    const big = new Uint8Array(70_000).map((_, i) => i % 251);
    expect(Buffer.from(toBase64(big), 'base64').equals(Buffer.from(big))).toBe(true);
  });

  it('makes ids within the API id rule', () => {
    const id = recordId('leave', new Date('2026-12-01T09:30:05.123Z'), () => 0.5);
    expect(id).toBe(`leave-20261201T093005Z-${Math.floor(0.5 * 36 ** 4).toString(36)}`);
    expect(id).toMatch(/^[A-Za-z0-9_:-]{1,200}$/);
    expect(recordId('c', new Date(0), () => 0)).toBe('c-19700101T000000Z-0000');
  });

  it('lists refused rows first, each group in file order', () => {
    const rows = [
      { line: 2, accepted: true },
      { line: 3, accepted: false, reason: 'x' },
      { line: 4, accepted: true },
      { line: 5, accepted: false, reason: 'y' },
    ];
    expect(refusedFirst(rows).map((r) => r.line)).toEqual([3, 5, 2, 4]);
  });
});
