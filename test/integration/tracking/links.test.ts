import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, links } from '../../../db/schema/index.js';
import { createAffiliate, createLink, createWorld } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const linksPath = (programId: string) => `/v1/programs/${programId}/links`;
const fields = (res: { body: any }) => (res.body.error?.details?.issues ?? []).map((i: { field: string }) => i.field).sort();
const linkWorld = (links: Record<string, unknown> = {}) => createWorld(h, { links });
const countLinks = async (programId: string) => (await h.db.select({ id: links.id }).from(links).where(eq(links.programId, programId))).length;

describe('links: create', () => {
  it('creates an affiliate link with a generated slug, its short URL and an audit row', async () => {
    const w = await linkWorld();
    const res = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/spring', title: 'Spring' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      programId: w.program.id,
      ownerMemberId: w.affiliate.member.id,
      kind: 'affiliate',
      domain: '',
      customSlug: false,
      title: 'Spring',
      destinationUrl: 'https://shop.example/spring',
      countryDestinations: {},
      params: {},
      status: 'active',
      archivedAt: null,
    });
    expect(res.body.slug).toMatch(/^[0-9A-Za-z]{8}$/);
    // Never the request's host: PUBLIC_URL, by default http://localhost:$PORT.
    expect(res.body.shortUrl).toBe(`${h.config.PUBLIC_URL}/r/${res.body.slug}`);

    const audit = await h.db.select().from(auditLog).where(and(eq(auditLog.entityId, res.body.id), eq(auditLog.action, 'link.created')));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'affiliate', programId: w.program.id, entityType: 'link' });
    expect(audit[0]!.after).toMatchObject({ slug: res.body.slug, destinationUrl: 'https://shop.example/spring' });
  });

  it('creates a custom slug, unique per domain and case-sensitive (409 names slug)', async () => {
    const w = await linkWorld();
    const slug = `Sale-${Date.now().toString(36)}`;
    const first = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ slug, customSlug: true });

    const again = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', details: { field: 'slug' } });

    // Another program on the same shared domain cannot take it either.
    const other = await linkWorld();
    const elsewhere = await h.request('POST', linksPath(other.program.id), { token: other.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug } });
    expect(elsewhere.status).toBe(409);

    const otherCase = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug: slug.toLowerCase() } });
    expect(otherCase.status).toBe(201);
    expect(await countLinks(w.program.id)).toBe(2);
  });

  it("serves a program's links on its own domain, where the shared domain's slugs are free", async () => {
    const slug = `dom-${Date.now().toString(36)}`;
    const shared = await linkWorld();
    expect((await h.request('POST', linksPath(shared.program.id), { token: shared.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug } })).status).toBe(201);
    const w = await linkWorld({ domain: `go-${slug}.brand.example` });
    const res = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ domain: `go-${slug}.brand.example`, shortUrl: `https://go-${slug}.brand.example/r/${slug}` });
  });

  it('refuses reserved and malformed slugs naming the field, and writes nothing', async () => {
    const w = await linkWorld();
    for (const slug of ['api', 'Admin', 'healthz', 'well-known', 'ab', '-abc', 'a/b/c', 'x'.repeat(65)]) {
      const res = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/', slug } });
      expect(res.status, slug).toBe(400);
      expect(fields(res), slug).toEqual(['slug']);
    }
    expect(await countLinks(w.program.id)).toBe(0);
  });

  it('refuses destinations off the allowed hosts: never an open redirect', async () => {
    const w = await linkWorld();
    const nasty = [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.com/',
      'https://shop.example.evil.com/',
      'https://evil.com\\@shop.example/',
      'https://shop.example@evil.com/',
      'https://user:pass@shop.example/',
      'https://shöp.example/',
      'https://shop.example./',
      'https:evil.com',
    ];
    for (const destinationUrl of nasty) {
      const res = await h.request('POST', linksPath(w.program.id), { token: w.admin.token, body: { destinationUrl, ownerMemberId: w.affiliate.member.id } });
      expect(res.status, destinationUrl).toBe(400);
      expect(fields(res), destinationUrl).toEqual(['destinationUrl']);
    }
    const offHost = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.evil.com/x' } });
    expect(offHost.body.error.details.issues).toEqual([{ field: 'destinationUrl', reason: 'host shop.evil.com is not an allowed destination for this program' }]);
    expect(await countLinks(w.program.id)).toBe(0);

    // Upper case, ports and subdomains of a wildcard entry are the same merchant.
    const ok = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'HTTPS://DE.Shop.Example:8443/Sale' } });
    expect(ok.status).toBe(201);
    expect(ok.body.destinationUrl).toBe('https://de.shop.example:8443/Sale');
  });

  it('refuses every destination while the program has no allowed hosts', async () => {
    const w = await createWorld(h);
    const res = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { destinationUrl: 'https://shop.example/' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].reason).toContain('settings.links.allowedHosts');
  });

  it('stores country overrides (upper-cased, each checked) and UTM / sub parameters', async () => {
    const w = await linkWorld();
    const body = {
      destinationUrl: 'https://shop.example/',
      countryDestinations: { de: 'https://de.shop.example/', US: 'https://shop.example/us?ref=x' },
      params: { utm_source: 'blog', utm_campaign: 'spring', sub1: 'post-42' },
    };
    const res = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body });
    expect(res.status).toBe(201);
    expect(res.body.countryDestinations).toEqual({ DE: 'https://de.shop.example/', US: 'https://shop.example/us?ref=x' });
    expect(res.body.params).toEqual({ utm_source: 'blog', utm_campaign: 'spring', sub1: 'post-42' });

    const badCountries = await h.request('POST', linksPath(w.program.id), {
      token: w.affiliate.token,
      body: { destinationUrl: 'https://shop.example/', countryDestinations: { DEU: 'https://shop.example/', FR: 'https://evil.com/', us: 'javascript:alert(1)' } },
    });
    expect(badCountries.status).toBe(400);
    expect(fields(badCountries)).toEqual(['countryDestinations.DEU', 'countryDestinations.FR', 'countryDestinations.us']);

    const badParams = await h.request('POST', linksPath(w.program.id), {
      token: w.affiliate.token,
      body: { destinationUrl: 'https://shop.example/', params: { utm_source: '', sub6: 'x', ref: 'y', sub2: 'x'.repeat(201) } },
    });
    expect(badParams.status).toBe(400);
    expect(fields(badParams)).toEqual(['params.ref', 'params.sub2', 'params.sub6', 'params.utm_source']);
    expect(await countLinks(w.program.id)).toBe(1);
  });

  it('gives the owner: affiliates themselves, staff and API keys name an approved affiliate', async () => {
    const w = await linkWorld();
    const body = { destinationUrl: 'https://shop.example/' };
    const byKey = await h.request('POST', linksPath(w.program.id), { token: w.apiKey, body: { ...body, ownerMemberId: w.affiliate.member.id } });
    expect(byKey.status).toBe(201);
    expect(byKey.body.ownerMemberId).toBe(w.affiliate.member.id);

    const unnamed = await h.request('POST', linksPath(w.program.id), { token: w.admin.token, body });
    expect(unnamed.status).toBe(400);
    expect(fields(unnamed)).toEqual(['ownerMemberId']);

    // An affiliate naming someone else is told that member does not exist for them.
    const other = await createAffiliate(h, w.program.id, { country: 'DE' });
    const forOther = await h.request('POST', linksPath(w.program.id), { token: w.affiliate.token, body: { ...body, ownerMemberId: other.id } });
    expect(forOther.status).toBe(404);

    // The DE manager may create for DE affiliates only.
    const usAffiliate = await createAffiliate(h, w.program.id, { country: 'US' });
    expect((await h.request('POST', linksPath(w.program.id), { token: w.manager.token, body: { ...body, ownerMemberId: other.id } })).status).toBe(201);
    expect((await h.request('POST', linksPath(w.program.id), { token: w.manager.token, body: { ...body, ownerMemberId: usAffiliate.id } })).status).toBe(404);

    // Members use invite links; the route is not theirs.
    expect((await h.request('POST', linksPath(w.program.id), { token: w.member.token, body })).status).toBe(403);
  });

  it('refuses owners who are not approved affiliates with a clear 422', async () => {
    const w = await linkWorld();
    const pending = await createAffiliate(h, w.program.id, { country: 'DE' }, 'pending');
    const res = await h.request('POST', linksPath(w.program.id), { token: w.admin.token, body: { destinationUrl: 'https://shop.example/', ownerMemberId: pending.id } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('affiliate application is pending');
    expect(res.body.error.details).toMatchObject({ field: 'ownerMemberId', affiliateStatus: 'pending' });

    const notAffiliate = await h.request('POST', linksPath(w.program.id), { token: w.admin.token, body: { destinationUrl: 'https://shop.example/', ownerMemberId: w.member.member.id } });
    expect(notAffiliate.status).toBe(422);
    expect(notAffiliate.body.error.message).toContain('not an affiliate of this program');
    expect(await countLinks(w.program.id)).toBe(0);
  });

  it("refuses another program's and another tenant's links as not found", async () => {
    const w = await linkWorld();
    const other = await linkWorld();
    const theirs = await createLink(h, other);
    expect((await h.request('POST', linksPath(other.program.id), { token: w.admin.token, body: { destinationUrl: 'https://shop.example/', ownerMemberId: other.affiliate.member.id } })).status).toBe(404);
    expect((await h.request('GET', `/v1/links/${theirs.id}`, { token: w.admin.token })).status).toBe(404);
    expect((await h.request('PATCH', `/v1/links/${theirs.id}`, { token: w.apiKey, body: { title: 'mine now' } })).status).toBe(404);
  });

  it('checks links settings written through the programs API, naming the field', async () => {
    const w = await createWorld(h);
    const path = `/v1/programs/${w.program.id}`;
    const bad = await h.request('PATCH', path, {
      token: w.admin.token,
      body: { settings: { links: { allowedHosts: ['Shop.Example', '*.com'], fallbackUrl: 'javascript:void(0)', attributionWindowDays: 400 } } },
    });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['settings.links.allowedHosts.0', 'settings.links.allowedHosts.1', 'settings.links.attributionWindowDays', 'settings.links.fallbackUrl']);

    const offHost = await h.request('PATCH', path, { token: w.admin.token, body: { settings: { links: { allowedHosts: ['shop.example'], inviteDestinationUrl: 'https://other.example/join' } } } });
    expect(offHost.status).toBe(400);
    expect(fields(offHost)).toEqual(['settings.links.inviteDestinationUrl']);

    const ok = await h.request('PATCH', path, { token: w.admin.token, body: { settings: { links: { allowedHosts: ['shop.example'], inviteDestinationUrl: 'https://shop.example/join' } } } });
    expect(ok.status).toBe(200);
    expect(ok.body.settings.links).toEqual({ allowedHosts: ['shop.example'], inviteDestinationUrl: 'https://shop.example/join' });
  });
});
