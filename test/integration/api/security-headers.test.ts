import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRedirectFastPath } from '../../../src/tracking/redirect/node-listener.js';
import { createLink, createMember, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { buildPaidPayout } from '../payouts/statement-fixtures.js';

/**
 * Every kind of page sends a Content-Security-Policy (no eval, framing refused), X-Frame-Options,
 * nosniff and a Referrer-Policy; JSON gets nosniff. The redirect's pages are checked on both
 * paths: the node:http fast path (as the server runs) and the Hono route.
 */
let h: Harness;
let server: ServerType;
let fast: string;
beforeAll(async () => {
  h = await createHarness();
  await new Promise<void>((resolve) => {
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1', createServer: withRedirectFastPath(h.tracking, h.config, h.logger) }, () => resolve());
  });
  fast = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The CSP as directive -> sources. */
function policyOf(res: Answer): Map<string, string[]> {
  const header = res.headers.get('content-security-policy');
  expect(header, 'content-security-policy').toBeTruthy();
  return new Map(header!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inline = (html: string, tag: 'style' | 'script') => [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);

/** What every page sends besides its policy. */
function expectPageHeaders(res: Answer, referrerPolicy: string): Map<string, string[]> {
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe(referrerPolicy);
  const policy = policyOf(res);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-eval|unsafe-inline/);
  return policy;
}

/** A server-rendered page: nothing loads, no script runs, and its one stylesheet is allowed by its exact hash. */
function expectServerPage(res: Answer, referrerPolicy = 'no-referrer'): void {
  expect(res.headers.get('content-type')).toContain('text/html');
  const policy = expectPageHeaders(res, referrerPolicy);
  expect(policy.get('default-src')).toEqual(["'none'"]);
  expect(policy.has('script-src')).toBe(false);
  const html = String(res.body);
  expect(inline(html, 'script')).toEqual([]);
  const styles = inline(html, 'style');
  expect(styles).toHaveLength(1);
  expect(policy.get('style-src')).toEqual([hashOf(styles[0]!)]);
}

const fetchAnswer = async (url: string, headers: Record<string, string> = {}): Promise<Answer> => {
  const res = await fetch(url, { redirect: 'manual', headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
};

describe('security headers', () => {
  it.each(['/', '/login', '/affiliate', '/affiliate/links', '/member', '/manager/review', '/admin/users'])('the dashboards at %s: scripts, styles and calls from this origin only', async (path) => {
    const res = await h.request('GET', path);
    const policy = expectPageHeaders(res, 'same-origin');
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    // QR codes are data: images.
    expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
  });

  it('the invite page, found or not', async () => {
    const w = await createWorld(h);
    const inviter = await createMember(h, w.program.id, { country: 'DE', name: 'Jana' });
    const invite = await createLink(h, w, { kind: 'invite', ownerMemberId: inviter.id, destinationUrl: null });
    const page = await h.request('GET', `/i/${invite.slug}`);
    expect(page.status).toBe(200);
    // Its button goes to /r/{slug} on this origin: the click keeps its referrer there.
    expectServerPage(page, 'same-origin');
    const missing = await h.request('GET', '/i/noSuchInvite', { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expectServerPage(missing, 'same-origin');
  });

  it('the payout statement (HTML)', async () => {
    const w = await createWorld(h);
    const paid = await buildPaidPayout(h, w);
    const res = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${paid.payout.id}/statement?format=html`, { token: w.admin.token });
    expect(res.status).toBe(200);
    expectServerPage(res);
  });

  it('the dashboards allow the statement’s stylesheet, which they show in a sandboxed srcdoc frame under their own policy', async () => {
    const w = await createWorld(h);
    const paid = await buildPaidPayout(h, w);
    const statement = await h.request('GET', `/v1/programs/${w.program.id}/payouts/${paid.payout.id}/statement?format=html`, { token: w.affiliate.token });
    const dashboards = policyOf(await h.request('GET', '/affiliate/payouts'));
    expect(dashboards.get('style-src')).toEqual(["'self'", hashOf(inline(String(statement.body), 'style')[0]!)]);
  });

  it.each([
    ['the fast path', () => fast],
    ['the Hono route', () => ''],
  ])('the redirect’s pages on %s; its JSON answers get nosniff', async (_, base) => {
    const get = (headers: Record<string, string>) => (base() ? fetchAnswer(`${base()}/r/noSuchLink`, headers) : h.request('GET', '/r/noSuchLink', { headers }));
    const page = await get({ accept: 'text/html', 'accept-language': 'de' });
    expect(page.status).toBe(404);
    expectServerPage(page);
    const json = await get({});
    expect(json.status).toBe(404);
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a redirect itself keeps the browser’s referrer policy: the destination sees the referrer it always did', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await createLink(h, w);
    for (const res of [await fetchAnswer(`${fast}/r/${link.slug}`, { 'user-agent': 'curl/8' }), await h.request('GET', `/r/${link.slug}`, { headers: { 'user-agent': 'curl/8' } })]) {
      expect(res.status).toBe(302);
      expect(res.headers.get('referrer-policy')).toBeNull();
    }
  });

  it('the API reference: its own script and stylesheet by hash, and calls to this origin', async () => {
    const res = await h.request('GET', '/docs');
    expect(res.status).toBe(200);
    const policy = expectPageHeaders(res, 'same-origin');
    const html = String(res.body);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(inline(html, 'script').map(hashOf));
    expect(policy.get('style-src')).toEqual(inline(html, 'style').map(hashOf));
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(html).not.toMatch(/ style="/);
  });

  it('API answers, errors included, get nosniff and refuse framing', async () => {
    const w = await createWorld(h);
    for (const res of [
      await h.request('GET', '/v1/programs', { token: w.admin.token }),
      await h.request('GET', '/v1/programs/prg_nothing', { token: w.admin.token }),
      await h.request('GET', '/v1/programs'),
      await h.request('GET', '/openapi.json'),
      await h.request('GET', '/v1/no-such-route'),
    ]) {
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});
