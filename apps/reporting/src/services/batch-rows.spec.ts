import 'reflect-metadata';
import { ComplaintMessage } from '@hallwatch/contracts';
import { batchAnswer, checkRows } from './batch-rows';

const row = (id: unknown, windowId = 'W1') => ({
  id,
  receivedAt: '2024-03-04T10:00:00+08:00',
  channel: 'card',
  windowId,
  category: 'x',
  verified: false,
});

describe('checkRows and batchAnswer', () => {
  it('answers every row: invalid, repeated id, refused by the check, or accepted', () => {
    const { results, accepted } = checkRows([row('A'), row(7), row('A'), row('B', 'W9'), row('C')], 10, ComplaintMessage, 'id', (c) =>
      c.windowId === 'W9' ? 'no W9' : undefined,
    );
    expect(results).toEqual([
      { row: 10, id: 'A', accepted: true },
      { row: 11, id: undefined, accepted: false, reason: expect.stringMatching(/^id must be/) },
      { row: 12, id: 'A', accepted: false, reason: 'id "A" appears more than once in this batch (first in row 10)' },
      { row: 13, id: 'B', accepted: false, reason: 'no W9' },
      { row: 14, id: 'C', accepted: true },
    ]);
    expect(accepted.map((a) => [a.index, a.value.id])).toEqual([
      [0, 'A'],
      [4, 'C'],
    ]);
    // Storing refused the second accepted row (C).
    const answer = batchAnswer(results, accepted, [undefined, 'stored elsewhere']);
    expect([answer.accepted, answer.rejected, answer.results[4]]).toEqual([
      1,
      4,
      { row: 14, id: 'C', accepted: false, reason: 'stored elsewhere' },
    ]);
  });

  it('refuses a row its rules refuse like an invalid one: its id is not claimed, a later row with it is accepted', () => {
    const { results, accepted } = checkRows(
      [row('A', 'W2'), row('A'), row('A')],
      0,
      ComplaintMessage,
      'id',
      () => undefined,
      (c) => (c.windowId === 'W2' ? 'W2 is closed' : undefined),
    );
    expect(results).toEqual([
      { row: 0, id: 'A', accepted: false, reason: 'W2 is closed' },
      { row: 1, id: 'A', accepted: true },
      { row: 2, id: 'A', accepted: false, reason: 'id "A" appears more than once in this batch (first in row 1)' },
    ]);
    expect(accepted.map((a) => a.index)).toEqual([1]);
  });
});
