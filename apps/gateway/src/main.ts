import * as fs from 'node:fs';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { checkJwtSecret, metricsPortFor } from '@hallwatch/config';
import { HallwatchLogger, ServiceContext, ServiceMetrics } from '@hallwatch/runtime';
import { serveConsole } from './middleware/serve-console';
import { GatewayModule } from './gateway.module';
import { serveHttpMetricsAndProbes } from './middleware/http-metrics';
import { setUpHttp } from './middleware/http-setup';
import { API_PREFIX, openApiDocument } from './openapi';

/** The gateway's own HTTPS, when HALLWATCH_TLS_CERT and HALLWATCH_TLS_KEY name its PEM files. */
function httpsOptions(tls: ServiceContext['env']['https']): { cert: Buffer; key: Buffer } | undefined {
  if (!tls) return undefined;
  const read = (file: string, name: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
    }
  };
  return { cert: read(tls.certFile, 'HALLWATCH_TLS_CERT'), key: read(tls.keyFile, 'HALLWATCH_TLS_KEY') };
}

export async function startGateway(ctx: ServiceContext) {
  // Before anything starts: in production a missing, short or example secret is refused.
  checkJwtSecret(ctx.env);
  const https = httpsOptions(ctx.env.https);
  const logger = new HallwatchLogger('gateway');
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(ctx), { logger, httpsOptions: https });
  const metrics = app.get(ServiceMetrics);
  serveHttpMetricsAndProbes(app, metrics);
  setUpHttp(app, { https: https !== undefined });
  // req.ip (the sign-in throttle's address) is then the client's as these proxies saw it, not theirs.
  if (ctx.env.trustProxy.length > 0) app.set('trust proxy', ctx.env.trustProxy);
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  if (ctx.env.apiDocs) SwaggerModule.setup(`${API_PREFIX}/docs`, app, () => openApiDocument(app));
  serveConsole(app);
  await metrics.listen(ctx.env.metricsHost, metricsPortFor(ctx.env, 'gateway'), logger);
  await app.listen(ctx.env.port);
  metrics.markStarted();
  return app;
}
