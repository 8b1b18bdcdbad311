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
 */
export function setUpHttp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  // The console shows camera frames and evidence as blob: URLs; helmet's defaults allow the rest
  // (scripts only from this origin, inline styles for Element Plus and ECharts).
  express.use(helmet({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:', 'blob:'] } } }));
  express.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.useGlobalFilters(new HttpErrorsFilter(app.get(HttpAdapterHost).httpAdapter));
}
