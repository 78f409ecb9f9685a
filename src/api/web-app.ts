import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './env.js';
import { dashboardSecurityHeaders } from './security-headers.js';

/** Where `npm run build` puts the dashboards (web/vite.config.ts). */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

// The dashboards' client-side routes; each answers with index.html and the app picks the page.
const APP_PATHS = ['/', '/login', '/affiliate', '/member', '/manager', '/admin'];

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trellis</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:15vh auto;padding:0 1rem">
<h1>The dashboards are not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds them when needed), then reload.</p>
<p>The API is up: <a href="/docs">/docs</a>.</p></body></html>`;

/** The percent-decoded path; undefined for a broken escape (`%E0%A4%A`): no file has that name. */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Serves the web app: hashed assets from web/dist/assets (cached for a year: a new build has new
 * names) and index.html for the app's routes (never cached, so a deploy shows at once), under
 * the dashboards' Content-Security-Policy.
 */
export function registerWebApp(app: OpenAPIHono<AppEnv>, dist = WEB_DIST): void {
  const assets = join(dist, 'assets');
  app.get('/assets/*', async (c) => {
    const relative = decodedPath(c.req.path.slice('/assets/'.length));
    if (relative === undefined) return c.notFound();
    const file = normalize(join(assets, relative));
    if (!file.startsWith(assets + sep) || !existsSync(file)) return c.notFound();
    const body = await readFile(file);
    return c.body(body, 200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=31536000, immutable',
    });
  });
  const indexFile = join(dist, 'index.html');
  let index: { html: string; mtimeMs: number } | undefined;
  const page = async (c: Context<AppEnv>) => {
    // Kept in memory, read again when a rebuild replaced it (the old bundles are gone by then).
    const current = await stat(indexFile).catch(() => undefined);
    if (!current) index = undefined;
    else if (index?.mtimeMs !== current.mtimeMs) index = { html: await readFile(indexFile, 'utf8'), mtimeMs: current.mtimeMs };
    c.header('cache-control', 'no-cache');
    return index === undefined ? c.html(NOT_BUILT, 503) : c.html(index.html);
  };
  for (const path of APP_PATHS) {
    app.get(path, dashboardSecurityHeaders, page);
    if (path !== '/') app.get(`${path}/*`, dashboardSecurityHeaders, page);
  }
}
