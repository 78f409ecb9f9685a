import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { links, programs } from '../../../db/schema/index.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { BROWSER_UA, clickIdOf, follow, insertLink, IPHONE_UA, linkWorld, storedClicks } from './redirect-fixtures.js';

/** Behind a trusted proxy: country and client IP come from its headers. */
let h: Harness;
/** No proxy configured: forwarded headers are ignored. */
let direct: Harness;
beforeAll(async () => {
  [h, direct] = await Promise.all([
    createHarness({ env: { TRACKING_COUNTRY_HEADER: 'cf-ipcountry', TRACKING_CLIENT_IP_HEADER: 'x-forwarded-for' } }),
    createHarness(),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), direct?.close()]);
});

/** Changes another process would hear about: what the links and programs services publish. */
async function changed(harness: Harness, event: Parameters<Harness['tracking']['changes']['publish']>[0]) {
  await harness.tracking.changes.publish(event);
}

describe('GET /r/{slug}', () => {
  it('redirects to the destination with a click id, sets the attribution cookie and records the click', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w, { destinationUrl: 'https://shop.example/landing?ref=spring', params: { utm_source: 'trellis', sub1: 'newsletter' } });
    const res = await follow(h, link.slug, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', referer: 'https://Blog.Example.org/post/1', 'cf-ipcountry': 'de' } });
    expect(res.status).toBe(302);
    const clickId = clickIdOf(res);
    expect(clickId).toMatch(/^clk_[0-9a-z]{9}[0-9A-Za-z]{14}$/);
    // The destination's own query first, the link's params (stored as jsonb: any order), the click id last.
    const location = res.headers.get('location')!;
    expect(location.startsWith('https://shop.example/landing?ref=spring&')).toBe(true);
    expect(location.endsWith(`&trellis_click=${clickId}`)).toBe(true);
    expect(Object.fromEntries(new URL(location).searchParams)).toEqual({ ref: 'spring', utm_source: 'trellis', sub1: 'newsletter', trellis_click: clickId });
    expect(res.headers.get('set-cookie')).toBe(`trellis_${w.program.id}=${clickId}; Path=/; Max-Age=2592000; SameSite=Lax; HttpOnly`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-robots-tag')).toBe('noindex');

    const rows = await storedClicks(h, link.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: clickId,
      linkId: link.id,
      programId: w.program.id,
      ownerMemberId: w.affiliate.member.id,
      country: 'DE',
      uaClass: 'desktop',
      referrerHost: 'blog.example.org',
      status: 'counted',
      subIds: { sub1: 'newsletter' },
    });
    // An HMAC, never the address: the last X-Forwarded-For entry is the client.
    expect(rows[0]!.ipHash).toBe(h.tracking.ipHasher.hash('203.0.113.9', rows[0]!.clickedAt));
    expect(rows[0]!.ipHash).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('sets the cookie for the program attribution window, Secure over https', async () => {
    const w = await linkWorld(h, { attributionWindowDays: 7 });
    const link = await insertLink(h, w);
    const plain = await follow(h, link.slug);
    expect(plain.headers.get('set-cookie')).toBe(`trellis_${w.program.id}=${clickIdOf(plain)}; Path=/; Max-Age=604800; SameSite=Lax; HttpOnly`);
    // Behind the trusted proxy, its X-Forwarded-Proto says whether the visitor used https.
    const proxied = await follow(h, link.slug, { headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('set-cookie')).toBe(`trellis_${w.program.id}=${clickIdOf(proxied)}; Path=/; Max-Age=604800; SameSite=Lax; HttpOnly; Secure`);

    // Without a trusted proxy the header is anyone's to forge; the connection itself decides.
    const dw = await linkWorld(direct);
    const dlink = await insertLink(direct, dw);
    const forged = await follow(direct, dlink.slug, { headers: { 'x-forwarded-proto': 'https' } });
    expect(forged.headers.get('set-cookie')).not.toContain('Secure');
    const tls = await direct.app.request(`https://go.example.test/r/${dlink.slug}`, { headers: { 'user-agent': BROWSER_UA } });
    expect(tls.status).toBe(302);
    expect(tls.headers.get('set-cookie')).toMatch(/; Max-Age=2592000; SameSite=Lax; HttpOnly; Secure$/);
  });

  it('sends each visitor country to its own destination; others and unknown countries to the default', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w, { countryDestinations: { DE: 'https://de.shop.example/start', AT: 'https://shop.example/at' } });
    const cases: [string | undefined, string, string][] = [
      ['DE', 'https://de.shop.example/start?', 'DE'],
      ['at', 'https://shop.example/at?', 'AT'],
      ['FR', 'https://shop.example/landing?', 'FR'],
      ['T1', 'https://shop.example/landing?', 'XX'],
      [undefined, 'https://shop.example/landing?', 'XX'],
    ];
    for (const [country, prefix] of cases) {
      const res = await follow(h, link.slug, { headers: country ? { 'cf-ipcountry': country } : {} });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')!.startsWith(prefix), `${country} -> ${res.headers.get('location')}`).toBe(true);
    }
    const rows = await storedClicks(h, link.id);
    expect(rows.map((r) => r.country).sort()).toEqual(cases.map((c) => c[2]).sort());
  });

  it('ignores the country header when no trusted proxy header is configured', async () => {
    const w = await linkWorld(direct);
    const link = await insertLink(direct, w, { countryDestinations: { DE: 'https://de.shop.example/' } });
    const res = await follow(direct, link.slug, { headers: { 'cf-ipcountry': 'DE' } });
    expect(res.headers.get('location')).toMatch(/^https:\/\/shop\.example\/landing\?trellis_click=/);
  });

  it('passes sub1..sub5 and utm_* from the visitor through, over the link params, and stores the sub-ids', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w, { params: { utm_source: 'link', utm_medium: 'affiliate', sub1: 'from-link', sub2: 'kept' } });
    const res = await follow(h, link.slug, { query: `sub1=visitor%201&utm_source=newsletter&sub3=${'x'.repeat(201)}&gclid=abc&trellis_click=forged` });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect([...location.searchParams.entries()]).toEqual([
      // The link's own (jsonb: in any order), less those the visitor overrode...
      ...[...location.searchParams.entries()].slice(0, 2),
      // ...then the visitor's, in their order, then the click id.
      ['sub1', 'visitor 1'],
      ['utm_source', 'newsletter'],
      ['trellis_click', clickIdOf(res)],
    ]);
    expect(Object.fromEntries([...location.searchParams.entries()].slice(0, 2))).toEqual({ utm_medium: 'affiliate', sub2: 'kept' });
    const [row] = await storedClicks(h, link.id);
    expect(row!.subIds).toEqual({ sub1: 'visitor 1', sub2: 'kept' });
  });

  it('answers an unknown slug with a 404 page for browsers and the error envelope for API clients', async () => {
    const page = await follow(h, 'doesNotExist1');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.body).toContain('This link does not exist');
    expect(page.headers.get('set-cookie')).toBeNull();

    const api = await h.request('GET', '/r/doesNotExist1', { headers: { 'x-request-id': 'req-404' } });
    expect(api.status).toBe(404);
    expect(api.body).toEqual({ error: { code: 'not_found', message: 'This link does not exist.', requestId: 'req-404' } });
    // Not even a valid slug: no lookup at all.
    expect((await follow(h, 'a')).status).toBe(404);
    expect((await follow(h, '..%2Fetc')).status).toBe(404);
  });

  it('sends an archived link to the program fallback URL without recording, or to the 404 page without one', async () => {
    const w = await linkWorld(h, { fallbackUrl: 'https://shop.example/offers' });
    const link = await insertLink(h, w, { status: 'archived', archivedAt: new Date() });
    const res = await follow(h, link.slug);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/offers');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await storedClicks(h, link.id)).toEqual([]);

    const bare = await linkWorld(h);
    const gone = await insertLink(h, bare, { status: 'archived', archivedAt: new Date() });
    expect((await follow(h, gone.slug)).status).toBe(404);
  });

  it('refuses an open redirect: a destination outside the allowed hosts is never followed', async () => {
    const w = await linkWorld(h, { fallbackUrl: 'https://shop.example/offers' });
    const link = await insertLink(h, w, { destinationUrl: 'https://shop.example/p', countryDestinations: { DE: 'https://de.shop.example/p' } });
    const lookalike = await insertLink(h, w, { destinationUrl: 'https://shop.example.evil.test/p' });
    const before = await follow(h, link.slug, { headers: { 'cf-ipcountry': 'DE' } });
    expect(before.headers.get('location')).toMatch(/^https:\/\/de\.shop\.example\/p\?/);
    // Written before a rule existed, or straight into the database: still refused at redirect time.
    expect((await follow(h, lookalike.slug)).headers.get('location')).toBe('https://shop.example/offers');

    // The program narrows its allowed hosts to the apex only: the subdomain override drops out.
    await h.db.update(programs).set({ settings: { links: { allowedHosts: ['shop.example'], fallbackUrl: 'https://shop.example/offers' } } }).where(eq(programs.id, w.program.id));
    await changed(h, { topic: 'program', programId: w.program.id });
    await expect.poll(async () => (await follow(h, link.slug, { headers: { 'cf-ipcountry': 'DE' } })).headers.get('location'), { timeout: 2_000 }).toMatch(/^https:\/\/shop\.example\/p\?/);

    // Then to another host altogether: the link behaves as archived and goes to the fallback.
    await h.db.update(programs).set({ settings: { links: { allowedHosts: ['other.example'], fallbackUrl: 'https://shop.example/offers' } } }).where(eq(programs.id, w.program.id));
    await changed(h, { topic: 'program', programId: w.program.id });
    await expect.poll(async () => (await follow(h, link.slug)).headers.get('location'), { timeout: 2_000 }).toBe('https://shop.example/offers');
    const clickIds = new Set((await storedClicks(h, link.id)).map((c) => c.id));
    const last = await follow(h, link.slug);
    expect(last.headers.get('set-cookie')).toBeNull();
    expect((await storedClicks(h, link.id)).every((c) => clickIds.has(c.id))).toBe(true);
  });

  it('answers HEAD, browser prefetches and link previews with the redirect but no click id, cookie or record', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w, { params: { sub1: 'a' } });
    const requests = [
      follow(h, link.slug, { method: 'HEAD' }),
      follow(h, link.slug, { headers: { purpose: 'prefetch' } }),
      follow(h, link.slug, { headers: { 'sec-purpose': 'prefetch;prerender' } }),
      follow(h, link.slug, { headers: { 'x-purpose': 'preview' } }),
      follow(h, link.slug, { headers: { 'x-moz': 'prefetch' } }),
      follow(h, link.slug, { headers: { 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' } }),
      follow(h, link.slug, { headers: { 'user-agent': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' } }),
      follow(h, link.slug, { headers: { 'user-agent': 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)' } }),
    ];
    for (const res of await Promise.all(requests)) {
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://shop.example/landing?sub1=a');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(await storedClicks(h, link.id)).toEqual([]);
  });

  it('redirects bots with a click id and records them as bots, not counted', async () => {
    const w = await linkWorld(h);
    const link = await insertLink(h, w);
    const bot = await follow(h, link.slug, { headers: { 'user-agent': 'python-requests/2.31.0', 'x-forwarded-for': '192.0.2.50' } });
    const noUa = await h.request('GET', `/r/${link.slug}`, { headers: { 'x-forwarded-for': '192.0.2.51' } });
    const phone = await follow(h, link.slug, { headers: { 'user-agent': IPHONE_UA, 'x-forwarded-for': '192.0.2.52' } });
    for (const res of [bot, noUa, phone]) expect(clickIdOf(res)).toMatch(/^clk_/);
    const rows = await storedClicks(h, link.id);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(clickIdOf(bot)!)).toMatchObject({ uaClass: 'bot', status: 'bot' });
    expect(byId.get(clickIdOf(noUa)!)).toMatchObject({ uaClass: 'bot', status: 'bot' });
    expect(byId.get(clickIdOf(phone)!)).toMatchObject({ uaClass: 'mobile', status: 'counted' });
  });

  it('looks the slug up on the request host first, then on the shared domain', async () => {
    const w = await linkWorld(h);
    const slug = `same${Date.now().toString(36)}`;
    await insertLink(h, w, { slug, destinationUrl: 'https://shop.example/shared' });
    await insertLink(h, w, { slug, domain: 'go.shop.example', destinationUrl: 'https://shop.example/own-domain' });
    const own = await h.app.request(`http://GO.shop.example:8080/r/${slug}`, { headers: { 'user-agent': BROWSER_UA } });
    expect(own.headers.get('location')).toMatch(/^https:\/\/shop\.example\/own-domain\?/);
    const shared = await h.app.request(`http://trellis.example/r/${slug}`, { headers: { 'user-agent': BROWSER_UA } });
    expect(shared.headers.get('location')).toMatch(/^https:\/\/shop\.example\/shared\?/);
  });

  it('follows the program invite destination for invite links', async () => {
    const w = await linkWorld(h, { inviteDestinationUrl: 'https://shop.example/join' });
    const link = await insertLink(h, w, { kind: 'invite', destinationUrl: null, ownerMemberId: w.member.member.id });
    const res = await follow(h, link.slug);
    expect(res.headers.get('location')).toBe(`https://shop.example/join?trellis_click=${clickIdOf(res)}`);
    const [row] = await storedClicks(h, link.id);
    expect(row!.ownerMemberId).toBe(w.member.member.id);
  });

  it('is listed in the OpenAPI document as a public operation', async () => {
    const doc = await h.request('GET', '/openapi.json');
    const op = doc.body.paths['/r/{slug}'].get;
    expect(op.operationId).toBe('followLink');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['302', '404', '429', '503']));
    // Sanity: the link rows these tests wrote are still there (nothing in the redirect writes links).
    expect((await h.db.select({ id: links.id }).from(links)).length).toBeGreaterThan(5);
  });
});
