import { sizedGroups } from './row-batch';

describe('sizedGroups', () => {
  const row = (caseId: string, pad = 0) => ({ caseId, note: 'x'.repeat(pad) });
  const bytes = (r: object) => Buffer.byteLength(JSON.stringify(r)) + 1;

  it('puts rows in order into groups whose JSON stays within the budget', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(`c${i}`, 20));
    const budget = 2 + 3 * bytes(rows[0]);
    const groups = sizedGroups(rows, budget, 'caseId');
    expect(groups).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    for (const g of groups) expect(2 + g.reduce((n, i) => n + bytes(rows[i]), 0)).toBeLessThanOrEqual(budget);
  });

  it("sends a row repeating an earlier row's id with that row, so the repeat is still seen", () => {
    const rows = [row('a', 20), row('b', 20), row('c', 20), row('a'), row('d', 20)];
    expect(sizedGroups(rows, 2 + 2 * bytes(rows[0]), 'caseId')).toEqual([
      [0, 1, 3],
      [2, 4],
    ]);
  });

  it('gives a row larger than the budget a group of its own, and takes any JSON value as a row', () => {
    const rows = [row('a'), row('big', 500), null, 5] as unknown as Record<string, unknown>[];
    expect(sizedGroups(rows, 100, 'caseId')).toEqual([[0], [1], [2, 3]]);
  });
});
