import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Where `npm run build` puts the console (apps/web): dist/web, beside dist/apps. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'web');

interface Request {
  method: string;
  path: string;
}
interface Response {
  sendFile(file: string, options: { headers: Record<string, string> }): void;
}

/**
 * Serves the web console at `/` from the gateway's own origin. Hashed assets are cached for good;
 * every other GET outside /api answers index.html, so the console's own routes survive a reload.
 */
export function serveConsole(app: NestExpressApplication, dir = CONSOLE_DIR): void {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    new Logger('Console').warn(`the web console is not built (no ${index}): run npm run build`);
    return;
  }
  app.useStaticAssets(dir, { index: false, immutable: true, maxAge: '365d' });
  app.use((req: Request, res: Response, next: () => void) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/api' || req.path.startsWith('/api/')) return next();
    res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } });
  });
}
