import { filtersFromQuery, nextUndecided, queryFromFilters, type ListFilters } from './queue';

describe('the incident list in the address', () => {
  it('gives back the filters it was given, and a plain address for the plain list', () => {
    const filters: ListFilters = {
      tab: 'violations',
      hall: 'h1',
      window: 'W05',
      kind: 'absence',
      status: 'closed',
      from: '2026-03-02',
      to: '2026-03-08',
      size: 20,
    };
    expect(filtersFromQuery(queryFromFilters(filters))).toEqual(filters);
    expect(queryFromFilters(filtersFromQuery({}))).toEqual({});
    expect(filtersFromQuery({})).toEqual({ tab: 'violations', size: 50 });
  });

  it('leaves out what is unknown or malformed; the camera tab has no kind to choose', () => {
    expect(filtersFromQuery({ kind: 'nonsense', status: 'gone', size: '7', from: '2026-03-08', to: '2026-03-02' })).toEqual({
      tab: 'violations',
      size: 50,
    });
    // camera-offline is never part of the violation queue; the camera tab is nothing else.
    expect(filtersFromQuery({ kind: 'camera-offline' }).kind).toBeUndefined();
    expect(filtersFromQuery({ tab: 'camera', kind: 'absence', status: 'closed' })).toEqual({ tab: 'camera', status: 'closed', size: 50 });
  });
});

describe('the next undecided incident', () => {
  const items = [
    { id: 'a', status: 'appealed' as const },
    { id: 'b', status: 'confirmed' as const },
    { id: 'c', status: 'dismissed' as const },
    { id: 'd', status: 'closed' as const },
    { id: 'e', status: 'open' as const },
  ];

  it('skips what is decided, and finds nothing past the end', () => {
    expect(nextUndecided(items, 'a')?.id).toBe('d');
    expect(nextUndecided(items, 'd')?.id).toBe('e');
    expect(nextUndecided(items, 'e')).toBeUndefined();
    // An id no longer listed starts from the top.
    expect(nextUndecided(items, 'zz')?.id).toBe('a');
  });
});
