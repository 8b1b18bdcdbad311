import { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { HttpErrorsFilter } from './http-errors.filter';

/**
 * JSON bodies up to this size: a batch of 5000 cases (POST /api/cases, the documented maximum)
 * with 200-character Chinese service items is about 5 MB. Larger bodies get a 413.
 */
export const JSON_BODY_LIMIT = '8mb';

/**
 * What every HTTP answer of the gateway carries: security headers (helmet: nosniff, frame
 * denial, CSP…), no X-Powered-By, and Cache-Control: no-store, since every answer (tokens,
 * evidence images, statistics) is for the signed-in caller only. Also the error filter.
 *
 * `https`: whether the gateway itself serves HTTPS. Only then may it tell browsers to upgrade
 * requests and to come back over HTTPS only (HSTS): served over plain HTTP, the CSP's
 * `upgrade-insecure-requests` makes a browser on any other PC of the intranet fetch every asset
 * over https from a port that speaks HTTP, and the console stays a blank page. (Loopback is
 * exempt in browsers, which is why this only shows away from the server.)
 */
export function setUpHttp(app: INestApplication, { https }: { https: boolean }): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  // The console shows camera frames and evidence as blob: URLs; helmet's defaults allow the rest
  // (scripts only from this origin, inline styles for Element Plus and ECharts).
  express.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'upgrade-insecure-requests': https ? [] : null },
      },
      strictTransportSecurity: https,
    }),
  );
  express.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useGlobalFilters(new HttpErrorsFilter(app.get(HttpAdapterHost).httpAdapter));
}
