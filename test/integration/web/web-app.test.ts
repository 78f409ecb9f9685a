import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../../src/api/env.js';
import { registerWebApp } from '../../../src/api/web-app.js';

/** How the server hands out the built dashboards (web/dist), checked on a throwaway build folder. */
const dist = mkdtempSync(join(tmpdir(), 'trellis-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, 'secret.txt'), 'not an asset');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

function appWith(folder: string) {
  const app = new OpenAPIHono<AppEnv>();
  registerWebApp(app, folder);
  return app;
}

describe('web app serving', () => {
  const app = appWith(dist);

  it.each(['/', '/login', '/affiliate', '/affiliate/links', '/member/points', '/manager/review', '/admin/users'])('answers %s with index.html, never cached', async (path) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('serves hashed assets with a year of caching and their content type', async () => {
    const res = await app.request('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('does not serve files outside the assets folder, nor unknown assets', async () => {
    for (const path of ['/assets/..%2Fsecret.txt', '/assets/%2e%2e/secret.txt', '/assets/missing.js']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
    }
  });

  it('leaves other paths to the API', async () => {
    expect((await app.request('/affiliates')).status).toBe(404);
    expect((await app.request('/v1/anything')).status).toBe(404);
  });

  it('explains how to build when web/dist is missing', async () => {
    const res = await appWith(join(dist, 'nope')).request('/affiliate');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});
