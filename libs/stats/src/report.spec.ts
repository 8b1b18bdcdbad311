import { emptyFigures } from './figures';
import { ratingOrderCounts, throughputRows, type WindowInfo } from './report';

const WINDOWS = new Map<string, WindowInfo>([
  ['W1', { windowId: 'W1', hallId: 'H1', department: 'tax', township: false }],
  ['W2', { windowId: 'W2', hallId: 'H1', department: 'police', township: false }],
]);

describe('差评整改率: the bad-rating orders verified in time', () => {
  const orders = [
    { windowId: 'W1', staffId: 'S1', verifiedInTime: true },
    { windowId: 'W1', staffId: 'S1', verifiedInTime: false },
    { windowId: 'W1', staffId: 'S2', verifiedInTime: true },
    { windowId: 'W2', verifiedInTime: false },
  ];

  it('counts them per group', () => {
    expect(ratingOrderCounts(orders, 'window', WINDOWS)).toEqual(
      new Map([
        ['W1', { orders: 3, verifiedInTime: 2 }],
        ['W2', { orders: 1, verifiedInTime: 0 }],
      ]),
    );
    expect(ratingOrderCounts(orders, 'hall', WINDOWS)).toEqual(new Map([['H1', { orders: 4, verifiedInTime: 2 }]]));
  });

  it('is the share in the throughput row, none for a group without bad ratings', () => {
    const groups = new Map([
      ['W1', emptyFigures()],
      ['W3', emptyFigures()],
    ]);
    const rows = throughputRows(groups, new Map(), 'window', ratingOrderCounts(orders, 'window', WINDOWS));
    expect(rows.map((r) => [r.window, r.badRatingRectifiedRate])).toEqual([
      ['W1', 0.6667],
      ['W2', 0],
      ['W3', null],
    ]);
  });
});
