import { routeLabel } from './http-metrics';

describe('routeLabel', () => {
  it('is the Nest route pattern, never the ids of the URL', () => {
    expect(routeLabel({ path: '/api/incidents/abc', baseUrl: '', route: { path: '/api/incidents/:id' } })).toBe('/api/incidents/:id');
  });

  it('names what no route took: an /api path, the probes, the console', () => {
    expect(routeLabel({ path: '/api/nothing/here', baseUrl: '' })).toBe('unmatched');
    expect(routeLabel({ path: '/readyz', baseUrl: '' })).toBe('probe');
    expect(routeLabel({ path: '/assets/index-3f2a.js', baseUrl: '' })).toBe('console');
    expect(routeLabel({ path: '/incidents/abc', baseUrl: '' })).toBe('console');
  });
});
