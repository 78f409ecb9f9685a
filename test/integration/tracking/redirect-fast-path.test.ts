import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRedirectFastPath } from '../../../src/tracking/redirect/node-listener.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { BROWSER_UA, insertLink, linkWorld, storedClicks } from './redirect-fixtures.js';

/** The node:http fast path for real, on a port, as server.ts runs it: /r/ before Hono, the rest to Hono. */
let h: Harness;
let server: ServerType;
let base: string;
beforeAll(async () => {
  h = await createHarness({ env: { TRACKING_COUNTRY_HEADER: 'cf-ipcountry' } });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1', createServer: withRedirectFastPath(h.tracking, h.config, h.logger) }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

describe('the redirect fast path on node:http', () => {
  it('redirects, sets the cookie and records the click with the socket address hashed', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w, { countryDestinations: { FR: 'https://shop.example/fr' } });
    const res = await fetch(`${base}/r/${link.slug}?sub2=fast&utm_medium=x`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA, 'cf-ipcountry': 'fr', referer: 'https://news.example/' } });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    const clickId = location.searchParams.get('trellis_click');
    expect(`${location.origin}${location.pathname}`).toBe('https://shop.example/fr');
    expect(location.searchParams.get('sub2')).toBe('fast');
    expect(res.headers.get('set-cookie')).toBe(`trellis_${w.program.id}=${clickId}; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');
    expect(await res.text()).toBe('');

    const [row] = await storedClicks(h, link.id);
    expect(row).toMatchObject({ id: clickId, country: 'FR', uaClass: 'desktop', referrerHost: 'news.example', subIds: { sub2: 'fast' } });
    expect(row!.ipHash).toBe(h.tracking.ipHasher.hash('127.0.0.1', row!.clickedAt));
  });

  it('answers HEAD without a click, unknown slugs with the 404 page, and leaves other routes to Hono', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w);
    const head = await fetch(`${base}/r/${link.slug}`, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe('https://shop.example/landing');
    expect(head.headers.get('set-cookie')).toBeNull();

    const missing = await fetch(`${base}/r/noSuchLink`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await missing.text()).toContain('This link does not exist');
    const missingJson = await fetch(`${base}/r/noSuchLink`, { redirect: 'manual' });
    expect(((await missingJson.json()) as { error: { code: string } }).error.code).toBe('not_found');

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    // POST to /r/ is not the fast path: Hono answers it (no such operation).
    expect((await fetch(`${base}/r/${link.slug}`, { method: 'POST', redirect: 'manual' })).status).toBe(404);
    expect(await storedClicks(h, link.id)).toEqual([]);
  });

  it('drops sub-ids with a NUL, so the click is still stored, and answers NUL paths with 4xx', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w);
    const res = await fetch(`${base}/r/${link.slug}?sub1=a%00b&sub2=ok&utm_source=%00`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect([...location.searchParams.keys()]).toEqual(['sub2', 'trellis_click']);
    const [row] = await storedClicks(h, link.id);
    expect(row).toMatchObject({ id: location.searchParams.get('trellis_click'), subIds: { sub2: 'ok' } });

    // The fast path, the invite page, the log tiles and the dashboards' assets: 4xx, never 5xx.
    for (const path of ['/r/%00', `/r/${link.slug}%00`, '/r/%ED%A0%80abc', '/i/%00', '/i/a%00b', '/log/tile/0/%00', '/log/tile/entries/x%00', '/assets/%00', '/assets/%E0%A4%A']) {
      const answer = await fetch(`${base}${path}`, { redirect: 'manual' });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
      expect(((await answer.json()) as { error: { code: string } }).error.code, path).toMatch(/^(not_found|validation_failed)$/);
    }
  });
});
