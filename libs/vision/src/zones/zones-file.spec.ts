import * as path from 'node:path';
import { parseZones, readZonesFile } from './zones-file';

const square = [
  [0.1, 0.1],
  [0.2, 0.1],
  [0.2, 0.2],
  [0.1, 0.2],
];

describe('zones file', () => {
  it('reads the classroom zones shipped with the test footage', async () => {
    const zones = await readZonesFile(path.resolve(__dirname, '..', '..', '..', '..', 'test', 'media', 'classroom-seated.zones.json'));
    expect(zones.map((z) => z.id)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'H']);
  });

  it('rejects polygons outside 0..1, too few points, duplicates and missing zones', () => {
    expect(() =>
      parseZones({
        zones: [
          {
            id: 'A',
            polygon: [
              [0.1, 0.1],
              [1.5, 0.1],
              [0.1, 0.2],
            ],
          },
        ],
      }),
    ).toThrow(/zone A/);
    expect(() =>
      parseZones({
        zones: [
          {
            id: 'A',
            polygon: [
              [0.1, 0.1],
              [0.2, 0.2],
            ],
          },
        ],
      }),
    ).toThrow(/bad zones file/);
    expect(() =>
      parseZones({
        zones: [
          { id: 'A', polygon: square },
          { id: 'A', polygon: square },
        ],
      }),
    ).toThrow(/twice/);
    expect(() => parseZones({ zones: [] })).toThrow(/bad zones file/);
    expect(() => parseZones({ cameras: [] })).toThrow(/bad zones file/);
  });

  it('reports unreadable and non-JSON files', async () => {
    await expect(readZonesFile('/nonexistent/zones.json')).rejects.toThrow(/cannot read zones file/);
    await expect(readZonesFile(__filename)).rejects.toThrow(/not JSON/);
  });
});
