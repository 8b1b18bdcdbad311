import { zoneShape } from './zones';

describe('a zone drawn over its frame', () => {
  it('gives the points in percent and puts the label at the mean of the corners', () => {
    const shape = zoneShape([
      [0.1, 0.2],
      [0.3, 0.2],
      [0.3, 0.6],
      [0.1, 0.6],
    ]);
    expect(shape.points).toBe('10,20 30,20 30,60 10,60');
    expect(shape.label[0]).toBeCloseTo(0.2);
    expect(shape.label[1]).toBeCloseTo(0.4);
  });
});
