import { and, count, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commissions, conversions, links, logEntries, logOutbox, memberOrders, members, memberSegments, memberTags, pointsEntries, programs, tenants, tiers, users } from '../../../db/schema/index.js';
import { clicks } from '../../../db/schema/partitioned.js';
import { seedDemoIfEmpty, type DemoCredentials } from '../../../db/seed/demo.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

let demo: DemoCredentials;
const deps = () => ({ db: h.db, logger: h.logger, clock: h.clock, jobs: h.jobs, secrets: h.secrets });

// One database for the file, so the cases run in order: empty -> seeded -> seeded again.
describe('demo seed', () => {
  it('does nothing with SEED_DEMO=never', async () => {
    expect(await seedDemoIfEmpty(deps(), { SEED_DEMO: 'never' })).toBeUndefined();
    expect((await h.db.select({ n: count() }).from(tenants))[0]!.n).toBe(0);
  });

  it('seeds an empty database once, with a working demo program', async () => {
    // Two processes booting at once: exactly one of them seeds.
    const results = await Promise.all([seedDemoIfEmpty(deps(), { SEED_DEMO: 'auto' }), seedDemoIfEmpty(deps(), { SEED_DEMO: 'auto' })]);
    const seeded = results.filter((r) => r !== undefined);
    expect(seeded).toHaveLength(1);
    demo = seeded[0]!;
    expect(demo.apiKey).toMatch(/^trl_/);
    expect(demo.logins.map((l) => l.email)).toEqual([
      'admin@demo.trellis.test',
      'manager@demo.trellis.test',
      'affiliate@demo.trellis.test',
      'member@demo.trellis.test',
    ]);
    await h.jobs.idle();

    const { programId } = demo;
    const memberCount = (await h.db.select({ n: count() }).from(members).where(eq(members.programId, programId)))[0]!.n;
    expect(memberCount).toBeGreaterThanOrEqual(30);
    expect((await h.db.select({ n: count() }).from(memberOrders).where(eq(memberOrders.programId, programId)))[0]!.n).toBeGreaterThan(40);
    expect((await h.db.select({ n: count() }).from(memberTags).where(eq(memberTags.programId, programId)))[0]!.n).toBeGreaterThan(0);
    const kinds = await h.db.selectDistinct({ kind: pointsEntries.kind }).from(pointsEntries).where(eq(pointsEntries.programId, programId));
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['earn', 'redeem']));
    const tierNames = await h.db.select({ name: tiers.name, kind: tiers.kind }).from(tiers).where(eq(tiers.programId, programId));
    expect(tierNames).toEqual(expect.arrayContaining([{ name: 'Gold', kind: 'standard' }, { name: 'Club', kind: 'paid' }]));
    const referred = await h.db.select({ id: members.id }).from(members).where(and(eq(members.programId, programId), isNotNull(members.referredByMemberId)));
    expect(referred.length).toBeGreaterThan(0);
    const partlyRefunded = await h.db.select({ id: memberOrders.id }).from(memberOrders).where(and(eq(memberOrders.programId, programId), eq(memberOrders.status, 'partially_refunded')));
    expect(partlyRefunded).toHaveLength(1);

    // Every member has a segment, and the history spreads them over every segment.
    const segments = await h.db.selectDistinct({ segment: memberSegments.segment }).from(memberSegments).where(eq(memberSegments.programId, programId));
    expect(segments.map((s) => s.segment).sort()).toEqual(['at_risk', 'big_spender', 'churned', 'loyal', 'new', 'returning']);
    expect((await h.db.select({ n: count() }).from(memberSegments).where(eq(memberSegments.programId, programId)))[0]!.n).toBe(memberCount);

    // Money from the first start: conversions credited through promo codes, processed after the
    // seed committed, each commissioned and each on its way into the transparency log.
    const seededConversions = await h.db.select().from(conversions).where(eq(conversions.programId, programId));
    expect(seededConversions).toHaveLength(8);
    expect(seededConversions.every((c) => c.processedAt !== null && c.partnerMemberId !== null)).toBe(true);
    const seededCommissions = await h.db.select().from(commissions).where(eq(commissions.programId, programId));
    expect(seededCommissions).toHaveLength(8);
    expect(seededCommissions.every((c) => c.amount > 0)).toBe(true);
    // The BR manager's review queue: two signups held by the fraud rules, each with its reason.
    const held = seededCommissions.filter((c) => c.status === 'held');
    expect(held.map((c) => [c.country, c.holdReasons]).sort()).toEqual([
      ['BR', ['duplicate_customer']],
      ['BR', ['self_referral']],
    ]);
    const logged = [
      ...(await h.db.select({ type: logOutbox.type }).from(logOutbox).where(eq(logOutbox.programId, programId))),
      ...(await h.db.select({ type: logEntries.type }).from(logEntries).where(eq(logEntries.programId, programId))),
    ].map((e) => e.type);
    for (const type of ['policy.version', 'conversion.accepted', 'conversion.decided', 'commission.created']) {
      expect(logged.filter((t) => t === type).length, type).toBeGreaterThanOrEqual(type === 'policy.version' ? 2 : 4);
    }
  });

  it('lets every demo user log in and the API key read members', async () => {
    const [tenant] = await h.db.select().from(tenants).where(eq(tenants.name, 'Demo Merchant'));
    expect(tenant).toBeDefined();
    const [program] = await h.db.select().from(programs).where(eq(programs.tenantId, tenant!.id));
    for (const login of demo.logins) {
      const res = await h.request('POST', '/v1/auth/login', { body: { email: login.email, password: login.password } });
      expect(res.status, login.email).toBe(200);
      expect(res.body.user.role).toBe(login.role);
    }
    const list = await h.request('GET', `/v1/programs/${program!.id}/members?limit=5`, { token: demo.apiKey });
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(5);
    // The regional manager looks after the new market (BR) only.
    const manager = await h.request('POST', '/v1/auth/login', { body: { email: 'manager@demo.trellis.test', password: 'trellis-demo' } });
    const counts = await h.request('GET', `/v1/programs/${program!.id}/segments`, { token: manager.body.accessToken });
    expect(counts.status).toBe(200);
    const total = counts.body.data.reduce((n: number, d: { members: number }) => n + d.members, 0);
    const br = await h.db.select({ n: count() }).from(members).where(and(eq(members.programId, program!.id), eq(members.country, 'BR')));
    expect(total).toBe(br[0]!.n);
  });

  it('has the `demo` link for the demo affiliate, and the demo member\'s invite link', async () => {
    const [demoLink] = await h.db.select().from(links).where(and(eq(links.domain, ''), eq(links.slug, 'demo')));
    expect(demoLink).toMatchObject({ programId: demo.programId, kind: 'affiliate', status: 'active', customSlug: true });
    expect(demoLink!.countryDestinations).toHaveProperty('DE');
    expect(demoLink!.params).toHaveProperty('utm_source');
    const [affiliateUser] = await h.db.select().from(users).where(eq(users.email, 'affiliate@demo.trellis.test'));
    expect(demoLink!.ownerMemberId).toBe(affiliateUser!.memberId);

    const login = await h.request('POST', '/v1/auth/login', { body: { email: 'member@demo.trellis.test', password: 'trellis-demo' } });
    const invite = await h.request('POST', `/v1/programs/${demo.programId}/invite-link`, { token: login.body.accessToken });
    expect(invite.status).toBe(200);
    expect(invite.body).toMatchObject({ kind: 'invite', ownerMemberId: login.body.user.memberId });

    // The link works: the redirect goes to the demo shop with its parameters and a click id.
    const res = await h.request('GET', '/r/demo', { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^https:\/\/shop\.demo\.trellis\.test\/spring\?.*utm_source=trellis.*&trellis_click=clk_/);
  });

  it('has a month of traffic on the demo affiliates\' links, counted as the writer counts real clicks', async () => {
    const login = await h.request('POST', '/v1/auth/login', { body: { email: 'affiliate@demo.trellis.test', password: 'trellis-demo' } });
    const token = login.body.accessToken;
    const ana = login.body.user.memberId;
    // The affiliate's chart: counted clicks on most of the last 30 days (today may have just begun).
    const perf = await h.request('GET', `/v1/programs/${demo.programId}/affiliates/${ana}/performance`, { token });
    expect(perf.status).toBe(200);
    expect(perf.body.days).toHaveLength(30);
    expect(perf.body.days.filter((d: { clicks: number }) => d.clicks > 0).length).toBeGreaterThanOrEqual(27);
    expect(perf.body.totals.clicks).toBeGreaterThan(500);
    // Her `demo` link and the two more with sub-ids, visitors mostly from her market.
    const slugs = perf.body.byLink.filter((l: { clicks: number }) => l.clicks > 0).map((l: { slug: string }) => l.slug);
    expect(slugs).toEqual(expect.arrayContaining(['demo', 'ana-reels', 'ana-blog-sandalias']));
    const byCountry = perf.body.byCountry as { country: string | null; clicks: number }[];
    expect(byCountry.find((c) => c.country === 'BR')!.clicks / perf.body.totals.clicks).toBeGreaterThan(0.7);
    expect(byCountry.filter((c) => c.clicks > 0).length).toBeGreaterThan(2);

    // Bots and duplicates are stored but not counted; rollups agree with the stored clicks.
    await h.tracking.clicks.flush(); // the redirect case's click, so both reads see the same clicks
    const stats = await h.request('GET', `/v1/programs/${demo.programId}/click-stats?groupBy=owner`, { token: demo.apiKey });
    expect(stats.status).toBe(200);
    expect(stats.body.rows.map((r: { key: string }) => r.key)).toHaveLength(2);
    expect(stats.body.totals.duplicateClicks).toBeGreaterThan(0);
    expect(stats.body.totals.botClicks).toBeGreaterThan(0);
    // Some visitors come back later the same day: counted again, not unique again.
    expect(stats.body.totals.uniqueClicks).toBeLessThan(stats.body.totals.clicks);
    const stored = await h.db.select({ status: clicks.status, n: count() }).from(clicks).where(eq(clicks.programId, demo.programId)).groupBy(clicks.status);
    const storedBy = Object.fromEntries(stored.map((r) => [r.status, r.n]));
    expect(storedBy).toEqual({ counted: stats.body.totals.clicks, duplicate: stats.body.totals.duplicateClicks, bot: stats.body.totals.botClicks });
    const subIds = await h.db.select({ subIds: clicks.subIds }).from(clicks).where(and(eq(clicks.programId, demo.programId), isNotNull(clicks.subIds))).limit(1);
    expect(subIds[0]?.subIds).toHaveProperty('sub1');
  });

  it('does not seed a database that has data, nor twice', async () => {
    expect(await seedDemoIfEmpty(deps(), { SEED_DEMO: 'auto' })).toBeUndefined();
    expect(await seedDemoIfEmpty(deps(), { SEED_DEMO: 'always' })).toBeUndefined();
    expect((await h.db.select({ n: count() }).from(tenants))[0]!.n).toBe(1);
  });
});
