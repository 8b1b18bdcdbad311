import * as net from 'node:net';
import { ServiceMetrics } from './metrics';
import { freePort } from './port';

describe('ServiceMetrics', () => {
  const opened: ServiceMetrics[] = [];
  afterEach(async () => Promise.all(opened.splice(0).map((m) => m.onApplicationShutdown())));

  const listening = async (metrics: ServiceMetrics, log = { log: jest.fn(), warn: jest.fn() }) => {
    const port = await freePort();
    opened.push(metrics);
    expect(await metrics.listen('127.0.0.1', port, log)).toBe(true);
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
    };
    return { port, get, log };
  };

  it('serves its own registry with the process metrics, and the probes without details', async () => {
    const metrics = new ServiceMetrics('reporting');
    metrics.counter({ name: 'hallwatch_test_total', help: 'a test counter', labelNames: ['camera'] }).inc({ camera: 'cam-1' });
    let database: Error | undefined = new Error('connection refused by mongodb://u:secret@db');
    metrics.readiness('database', async () => {
      if (database) throw database;
    });
    const { port, get, log } = await listening(metrics);
    expect(log.log).toHaveBeenCalledWith(
      `reporting: metrics at http://127.0.0.1:${port}/metrics, probes at http://127.0.0.1:${port}/healthz and http://127.0.0.1:${port}/readyz`,
    );
    const scraped = await get('/metrics');
    expect(scraped.type).toMatch(/^text\/plain/);
    expect(scraped.body).toContain('hallwatch_test_total{camera="cam-1"} 1');
    expect(scraped.body).toContain('process_cpu_user_seconds_total');
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok\n' });
    // Still starting, and its database down: not ready, and the body says no more than that.
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ready\n' });
    metrics.markStarted();
    expect(await metrics.notReady()).toBe('database: connection refused by mongodb://u:secret@db');
    database = undefined;
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'ok\n' });
    expect(await get('/other')).toMatchObject({ status: 404 });
  });

  it('counts a check that hangs as failed', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    try {
      const metrics = new ServiceMetrics('gateway');
      metrics.markStarted();
      metrics.readiness('NATS', () => new Promise(() => undefined));
      const answer = metrics.notReady();
      await jest.advanceTimersByTimeAsync(2000);
      expect(await answer).toBe('NATS: no answer within 2000 ms');
    } finally {
      jest.useRealTimers();
    }
  });

  it('warns, naming the port and HALLWATCH_METRICS_PORT, and goes on without a listener when the port is taken', async () => {
    const taken = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const log = { log: jest.fn(), warn: jest.fn() };
      expect(await new ServiceMetrics('ingestion').listen('127.0.0.1', port, log)).toBe(false);
      expect(log.warn).toHaveBeenCalledWith(
        `ingestion: no metrics and probes: port ${port} is taken (another ingestion instance on this host?): give each instance its own HALLWATCH_METRICS_PORT; the service runs on without them`,
      );
    } finally {
      taken.close();
    }
  });

  it('opens no listener on port 0', async () => {
    const log = { log: jest.fn(), warn: jest.fn() };
    expect(await new ServiceMetrics('inference').listen('127.0.0.1', 0, log)).toBe(false);
    expect(log.log).toHaveBeenCalledWith('inference: no metrics listener (HALLWATCH_METRICS_PORT=0)');
  });

  it('creates a metric asked for twice by name once', () => {
    const metrics = new ServiceMetrics('inference');
    const config = { name: 'hallwatch_twice_total', help: 'twice', labelNames: ['camera'] as const };
    expect(metrics.counter(config)).toBe(metrics.counter(config));
  });
});
