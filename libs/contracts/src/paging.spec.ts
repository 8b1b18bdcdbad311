import { decodeCursor, encodeCursor, fittingCount } from './paging';

describe('cursors', () => {
  it('gives back the position it was made from, in URL-safe characters', () => {
    const cursor = encodeCursor({ at: Date.parse('2026-11-24T09:00:00Z'), id: 'absence:h1:W01:1764000000000' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ at: Date.parse('2026-11-24T09:00:00Z'), id: 'absence:h1:W01:1764000000000' });
  });

  it('refuses anything it did not make', () => {
    const made = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      undefined,
      5,
      '',
      'abc',
      'a+b/c=',
      'x'.repeat(401),
      made([1.5, 'i1']),
      made([1, '__proto__']),
      made([1]),
      made({ at: 1, id: 'i' }),
    ]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});

describe('fittingCount', () => {
  const items = [{ a: 'x' }, { a: 'yy' }, { a: '中文' }]; // 9, 10 and 14 bytes of JSON
  it('counts the items, from the first, whose JSON array fits the budget', () => {
    expect(fittingCount(items, 1000)).toBe(3);
    expect(fittingCount(items, 2 + 9 + 1 + 10 + 1 + 14)).toBe(3);
    expect(fittingCount(items, 2 + 9 + 1 + 10 + 1 + 13)).toBe(2);
    expect(fittingCount([], 0)).toBe(0);
  });

  it('keeps at least one item, so a page always moves on', () => {
    expect(fittingCount(items, 3)).toBe(1);
  });
});
