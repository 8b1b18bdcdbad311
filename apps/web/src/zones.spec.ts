import { parse } from 'yaml';
import { nudge, windowEntry, zoneShape, type Point } from './zones';

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

describe('nudging a vertex', () => {
  const square: Point[] = [
    [0.1, 0.2],
    [0.3, 0.2],
    [0.3, 0.6],
  ];

  it('moves only that vertex, to three decimals', () => {
    expect(nudge(square, 1, 0.01, -0.01)).toEqual([
      [0.1, 0.2],
      [0.31, 0.19],
      [0.3, 0.6],
    ]);
    // 0.1 + 0.2 is 0.30000000000000004 in floating point: the site file gets 0.3.
    expect(nudge(square, 0, 0.2, 0)[0]).toEqual([0.3, 0.2]);
  });

  it('stops at the edges of the frame', () => {
    expect(nudge([[0.995, 0.004], ...square.slice(1)], 0, 0.01, -0.01)[0]).toEqual([1, 0]);
  });
});

describe("a window's whole site-file entry", () => {
  const zone: Point[] = [
    [0.1, 0.2],
    [0.3, 0.2],
    [0.3, 0.6],
  ];
  const w01 = { id: 'W01', hall: 'h1', name: '1号窗口', department: '区市场监管局', camera: 'cam-1', minStaff: 1 };

  it('is one flow mapping in the site file’s order, the default minStaff left out', () => {
    expect(windowEntry(w01, zone)).toBe(
      '- { id: W01, hall: h1, name: 1号窗口, department: 区市场监管局, camera: cam-1, zone: [[0.1, 0.2], [0.3, 0.2], [0.3, 0.6]] }',
    );
  });

  it('keeps minStaff and the schedule when the window has them', () => {
    expect(windowEntry({ ...w01, minStaff: 2, schedule: 'weekdays' }, zone)).toMatch(/, minStaff: 2, schedule: weekdays \}$/);
  });

  it.each(['综合窗口: 社保, 医保', '{特殊}', '- 窗口', '#3', '123', 'true', 'null', ' 前有空格', '"引号"', '1.5e3'])(
    'reads back as the same name when the name is %j',
    (name) => {
      const [entry] = parse(windowEntry({ ...w01, name, department: name }, zone)) as Record<string, unknown>[];
      expect(entry).toEqual({ id: 'W01', hall: 'h1', name, department: name, camera: 'cam-1', zone });
    },
  );
});
