import { Body, Controller, Get, INestApplication, LoggerService, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { ServiceError } from '../repositories/service-request';
import { setUpHttp } from './http-setup';

@Controller()
class ProbeController {
  @Post('echo')
  echo(@Body() body: { cases: unknown[] }) {
    return { rows: body.cases.length };
  }

  @Get('broken')
  broken() {
    throw new ServiceError('hallwatch.reporting.stats.attendance', { status: 'error', message: 'Internal server error' });
  }

  @Get('crash')
  crash() {
    throw new Error('outer', { cause: new Error('the real reason') });
  }
}

class Captured implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  log = (m: unknown) => this.lines.push({ level: 'log', text: String(m) });
  warn = (m: unknown) => this.lines.push({ level: 'warn', text: String(m) });
  error = (m: unknown, ...rest: unknown[]) => this.lines.push({ level: 'error', text: [m, ...rest].map(String).join('\n') });
}

describe('gateway HTTP set-up (issue 11, items 6, 7 and 12)', () => {
  let app: INestApplication;
  const logs = new Captured();

  beforeAll(async () => {
    app = await NestFactory.create({ module: class ProbeModule {}, controllers: [ProbeController] }, { logger: logs });
    setUpHttp(app, { https: false });
    await app.init();
  });

  afterAll(() => app.close());

  it('sends security headers and no-store, and no X-Powered-By (item 6)', async () => {
    const res = await request(app.getHttpServer()).post('/echo').send({ cases: [] });
    expect(res.status).toBe(201);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('served over plain HTTP, tells no browser to upgrade to https: no upgrade-insecure-requests, no HSTS (issue 26, item 1)', async () => {
    const res = await request(app.getHttpServer()).post('/echo').send({ cases: [] });
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('served over its own HTTPS, asks browsers to upgrade and to stay on HTTPS (issue 26, item 1)', async () => {
    const tls = await NestFactory.create({ module: class TlsProbeModule {}, controllers: [ProbeController] }, { logger: logs });
    setUpHttp(tls, { https: true });
    await tls.init();
    try {
      const res = await request(tls.getHttpServer()).post('/echo').send({ cases: [] });
      expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    } finally {
      await tls.close();
    }
  });

  it('takes a 5000-row case batch, and answers a larger body 413 with a warning, not an error with a stack (items 7, 12)', async () => {
    const row = {
      caseId: 'C-2026-000001',
      windowId: 'W01',
      staffId: 'S01',
      serviceItem: '企业开办'.repeat(50),
      takenAt: '2026-11-24T09:00:00+08:00',
      calledAt: '2026-11-24T09:05:00+08:00',
      startedAt: '2026-11-24T09:05:00+08:00',
      finishedAt: '2026-11-24T09:15:00+08:00',
      deadline: '2026-11-25T09:00:00+08:00',
      status: 'completed',
      satisfaction: 5,
    };
    const big = { cases: Array.from({ length: 5000 }, () => row) };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(4_000_000); // 200 Chinese characters a row
    const ok = await request(app.getHttpServer()).post('/echo').send(big);
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ rows: 5000 });

    const tooBig = await request(app.getHttpServer())
      .post('/echo')
      .set('content-type', 'application/json')
      .send(`{"cases":["${'x'.repeat(9 * 1024 * 1024)}"]}`);
    expect(tooBig.status).toBe(413);
    const about413 = logs.lines.filter((l) => l.text.includes('413'));
    expect(about413).toEqual([{ level: 'warn', text: expect.stringMatching(/^POST \/echo: 413 request entity too large$/) }]);
    expect(logs.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('logs a 500 with its cause and tells the client nothing more (item 12)', async () => {
    const broken = await request(app.getHttpServer()).get('/broken');
    expect(broken.status).toBe(500);
    expect(broken.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    const crash = await request(app.getHttpServer()).get('/crash');
    expect(crash.status).toBe(500);
    const errors = logs.lines.filter((l) => l.level === 'error').map((l) => l.text);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/GET \/broken: ServiceError: hallwatch\.reporting\.stats\.attendance failed: \{"status":"error"/);
    expect(errors[1]).toMatch(/GET \/crash: Error: outer[\s\S]*caused by: Error: the real reason/);
  });
});
