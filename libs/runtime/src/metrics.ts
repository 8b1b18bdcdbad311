import * as http from 'node:http';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  CounterConfiguration,
  Gauge,
  GaugeConfiguration,
  Histogram,
  HistogramConfiguration,
  Metric,
  Registry,
} from 'prom-client';
import { withTimeout } from './waiting';

/** Throws (or rejects) with the reason the service is not ready. */
export type ReadinessCheck = () => unknown;

/** Longest a readiness check may take before it counts as failed (a NATS flush or database ping that hangs). */
export const READINESS_TIMEOUT_MS = 2000;

type Config<C> = Omit<C, 'registers'>;

/**
 * One service's Prometheus registry (the default process metrics included) and what makes it
 * ready. One per service, so services sharing a process never mix their series. A metric asked
 * for twice by name is created once (the first configuration wins): repositories built more than
 * once in a process share it.
 */
export class ServiceMetrics implements OnApplicationShutdown {
  readonly registry = new Registry();
  private server?: http.Server;
  private readonly checks = new Map<string, ReadinessCheck>();
  private readonly details = new Map<string, () => unknown>();
  private readonly log = new Logger('probes');
  private started = false;
  /** The reason last logged, so a probe every few seconds logs only changes. */
  private lastReason?: string;

  constructor(readonly service: string) {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<T extends string>(config: Config<CounterConfiguration<T>>): Counter<T> {
    return this.existing(config.name) ?? new Counter({ ...config, registers: [this.registry] });
  }

  /** A gauge; give it `collect` to compute it at scrape time. */
  gauge<T extends string>(config: Config<GaugeConfiguration<T>>): Gauge<T> {
    return this.existing(config.name) ?? new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<T extends string>(config: Config<HistogramConfiguration<T>>): Histogram<T> {
    return this.existing(config.name) ?? new Histogram({ ...config, registers: [this.registry] });
  }

  /** Adds what /readyz checks: `check` throws or rejects with the reason it is not ready. */
  readiness(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /** Adds `name` to this instance's own answer on hallwatch.health.<service> (GET /api/health), computed when asked. */
  healthDetail(name: string, describe: () => unknown): void {
    this.details.set(name, describe);
  }

  /** Every health detail of this instance, by name. */
  healthDetails(): Record<string, unknown> {
    return Object.fromEntries([...this.details].map(([name, describe]) => [name, describe()]));
  }

  /** The service has started (its bootstrap hooks ran): /readyz may answer ok from now on. */
  markStarted(): void {
    this.started = true;
  }

  /** Why the service is not ready (every failing check, named), or undefined when it is; a change is logged. */
  async notReady(): Promise<string | undefined> {
    const reasons = this.started ? [] : ['still starting'];
    const results = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(Promise.resolve().then(check), READINESS_TIMEOUT_MS, `no answer within ${READINESS_TIMEOUT_MS} ms`);
          return undefined;
        } catch (err) {
          return `${name}: ${(err as Error).message}`;
        }
      }),
    );
    reasons.push(...results.filter((r): r is string => r !== undefined));
    const reason = reasons.length > 0 ? reasons.join('; ') : undefined;
    if (reason !== this.lastReason && this.started) {
      if (reason) this.log.warn(`${this.service} not ready: ${reason}`);
      else this.log.log(`${this.service} ready again`);
    }
    this.lastReason = reason;
    return reason;
  }

  /**
   * Opens the service's own listener (see serveMetrics), closed when the app shuts down. A port
   * taken or refused is a warning: the service runs on without it.
   */
  async listen(host: string, port: number, log: { log(m: string): void; warn(m: string): void }): Promise<boolean> {
    this.server = await serveMetrics(this, host, port, log);
    return this.server !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections(); // a Prometheus keeps its connection open between scrapes
    await closed;
  }

  private existing<M extends Metric>(name: string): M | undefined {
    return this.registry.getSingleMetric(name) as M | undefined;
  }
}

/** hallwatch_frames_dropped_total: exported by ingestion (frames it could not send) and inference (frames it did not judge). */
export function framesDroppedCounter(metrics: ServiceMetrics): Counter<'camera' | 'reason'> {
  return metrics.counter({
    name: 'hallwatch_frames_dropped_total',
    help: 'Frames not passed on, by camera and reason (ingestion: nats_unreachable; inference: detector_behind, clock_skew, malformed)',
    labelNames: ['camera', 'reason'],
  });
}

/** A probe's answer: never more than `ok` or `not ready` (the reason goes to the log). */
export interface ProbeAnswer {
  status: number;
  body: string;
  contentType: string;
}

const TEXT = 'text/plain; charset=utf-8';

/** The answer to GET `path` when it is /healthz (the process answers) or /readyz (see ServiceMetrics.notReady). */
export async function probeAnswer(metrics: ServiceMetrics, path: string): Promise<ProbeAnswer | undefined> {
  if (path === '/healthz') return { status: 200, body: 'ok\n', contentType: TEXT };
  if (path === '/readyz') {
    const reason = await metrics.notReady();
    return reason ? { status: 503, body: 'not ready\n', contentType: TEXT } : { status: 200, body: 'ok\n', contentType: TEXT };
  }
  return undefined;
}

/**
 * The service's own listener: GET /metrics (Prometheus text format), /healthz and /readyz, without
 * a token (hence loopback unless HALLWATCH_METRICS_HOST says otherwise). A port already taken
 * (a second instance of the service on this host) or refused is a warning, never a failure: the
 * service runs on without the listener. Resolves with the server, or undefined without one.
 */
async function serveMetrics(
  metrics: ServiceMetrics,
  host: string,
  port: number,
  log: { log(m: string): void; warn(m: string): void },
): Promise<http.Server | undefined> {
  if (port === 0) {
    log.log(`${metrics.service}: no metrics listener (HALLWATCH_METRICS_PORT=0)`);
    return undefined;
  }
  const server = http.createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://probe').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', TEXT);
      if (path === '/metrics') return send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
      const probe = await probeAnswer(metrics, path);
      return probe ? send(res, probe.status, probe.body, probe.contentType) : send(res, 404, 'not found\n', TEXT);
    })().catch((err: Error) => send(res, 500, `${err.message}\n`, TEXT));
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${port} is taken (another ${metrics.service} instance on this host?): give each instance its own HALLWATCH_METRICS_PORT`
          : `cannot listen on ${host}:${port} (${err.code ?? err.message}): check HALLWATCH_METRICS_PORT and HALLWATCH_METRICS_HOST`;
      log.warn(`${metrics.service}: no metrics and probes: ${why}; the service runs on without them`);
      resolve(undefined);
    });
    server.listen(port, host, () => {
      log.log(`${metrics.service}: metrics at ${url}/metrics, probes at ${url}/healthz and ${url}/readyz`);
      resolve(server);
    });
  });
}

function send(res: http.ServerResponse, status: number, body: string, contentType: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}
