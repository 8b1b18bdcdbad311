import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { probeAnswer, ServiceMetrics } from '@hallwatch/runtime';

type Request = IncomingMessage & { path: string; baseUrl: string; route?: { path: string } };

/**
 * The route an answered request is counted under: the Nest route pattern (`/api/incidents/:id`)
 * so ids never become labels; `unmatched` for an /api path no route takes, `console` for the web
 * console and its assets, `probe` for /healthz and /readyz.
 */
export function routeLabel(req: Pick<Request, 'path' | 'baseUrl' | 'route'>): string {
  if (req.route) return `${req.baseUrl}${req.route.path}`;
  if (req.path === '/healthz' || req.path === '/readyz') return 'probe';
  return req.path === '/api' || req.path.startsWith('/api/') ? 'unmatched' : 'console';
}

/**
 * hallwatch_http_request_duration_seconds{route,status} of every answer, and the probes /healthz
 * and /readyz on the gateway's own port, outside /api, without a token: register it before any
 * other middleware and route.
 */
export function serveHttpMetricsAndProbes(app: INestApplication, metrics: ServiceMetrics): void {
  const duration = metrics.histogram({
    name: 'hallwatch_http_request_duration_seconds',
    help: "Time the gateway took to answer a request, by Nest route pattern and status (the console's files as route console)",
    labelNames: ['route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  app.use((req: Request, res: ServerResponse, next: () => void) => {
    const end = duration.startTimer();
    res.once('finish', () => end({ route: routeLabel(req), status: String(res.statusCode) }));
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    void probeAnswer(metrics, req.path).then((probe) => {
      if (!probe) return next();
      res.writeHead(probe.status, { 'Content-Type': probe.contentType });
      res.end(probe.body);
    }, next);
  });
}
