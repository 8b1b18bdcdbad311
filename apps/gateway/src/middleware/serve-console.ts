import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Where `npm run build` puts the console (apps/web): dist/web, beside dist/apps. */
export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'web');

type Request = IncomingMessage & { path: string };
type Response = ServerResponse & { sendFile(file: string, options: { headers: Record<string, string> }): void };

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Serves the web console at `/` from the gateway's own origin. Hashed assets are cached for good,
 * and JS and CSS go out gzip-compressed (compressed once, on first request); every other GET
 * outside /api answers index.html, so the console's own routes survive a reload.
 */
export function serveConsole(app: NestExpressApplication, dir = CONSOLE_DIR): void {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    new Logger('Console').warn(`the web console is not built (no ${index}): run npm run build`);
    return;
  }
  const gzipped = new Map<string, Buffer>();
  app.use('/assets', (req: Request, res: Response, next: () => void) => {
    const type = TYPES[path.extname(req.path)];
    if (!type || !/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return next();
    // basename: nothing outside the assets folder can be named.
    const file = path.join(dir, 'assets', path.basename(req.path));
    if (!gzipped.has(file)) {
      if (!fs.existsSync(file)) return next();
      gzipped.set(file, gzipSync(fs.readFileSync(file)));
    }
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Encoding': 'gzip',
      'Cache-Control': 'public, max-age=31536000, immutable',
      Vary: 'Accept-Encoding',
    });
    res.end(gzipped.get(file));
  });
  app.useStaticAssets(dir, { index: false, immutable: true, maxAge: '365d' });
  app.use((req: Request, res: Response, next: () => void) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path === '/api' || req.path.startsWith('/api/')) return next();
    res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } });
  });
}
