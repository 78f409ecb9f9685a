import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affiliateProfiles, commissionPolicies, commissionPolicyVersions, customers, links, promoCodes } from '../../../db/schema/index.js';
import { makeClick, testBuffer } from '../../helpers/clicks.js';
import { createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { affiliateWithLink, clickIdAt, conversionRow, DAY, MINUTE, plantClick, sale, signup, track, trackProcessed } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function promoCodeFor(w: World, memberId: string, code: string) {
  await h.db.insert(promoCodes).values({ programId: w.program.id, code, partnerMemberId: memberId });
}

describe('attribution', () => {
  it('ranks the evidence: click id, then cookie, then promo code', async () => {
    const w = await createWorld(h, { links: {} });
    const byClick = await affiliateWithLink(h, w);
    const byCookie = await affiliateWithLink(h, w);
    const byCode = await affiliateWithLink(h, w);
    await promoCodeFor(w, byCode.member.id, 'CODE10');
    const clicked = await plantClick(h, byClick.link);
    const cookied = await plantClick(h, byCookie.link, { agoMs: 10 * MINUTE });

    const all = await trackProcessed(h, w, sale({ clickId: clicked.id, cookie: cookied.id, promoCode: 'code10' }));
    expect(all).toMatchObject({ attributionMethod: 'click_id', partnerMemberId: byClick.member.id, linkId: byClick.link.id, attributedClickId: clicked.id });
    expect(all.clickedAt!.getTime()).toBe(clicked.clickedAt.getTime());
    const cookieAndCode = await trackProcessed(h, w, sale({ cookie: cookied.id, promoCode: 'CODE10' }));
    expect(cookieAndCode).toMatchObject({ attributionMethod: 'cookie', partnerMemberId: byCookie.member.id, attributedClickId: cookied.id });
    const codeOnly = await trackProcessed(h, w, sale({ promoCode: 'Code10' }));
    expect(codeOnly).toMatchObject({ attributionMethod: 'promo_code', partnerMemberId: byCode.member.id, linkId: null, attributedClickId: null });
    // Evidence that attributes nothing gives way to the next rank.
    const unknownClick = await trackProcessed(h, w, sale({ clickId: clickIdAt(Date.now() - DAY), cookie: cookied.id }));
    expect(unknownClick).toMatchObject({ attributionMethod: 'cookie', partnerMemberId: byCookie.member.id });
  });

  it('records an unknown click id as unattributed, not as an error', async () => {
    const w = await createWorld(h, { links: {} });
    for (const clickId of ['clk_nope', clickIdAt(Date.now() - 2 * DAY), 'not-a-click-id', clickIdAt(Date.now() + 365 * DAY)]) {
      const res = await track(h, w, signup({ clickId, cookie: clickId }));
      expect(res.status).toBe(202);
      const row = await conversionRow(h, res.body.id);
      await h.jobs.idle();
      const done = await conversionRow(h, row.id);
      expect(done.processedAt, clickId).not.toBeNull();
      expect(done).toMatchObject({ attributionMethod: 'none', partnerMemberId: null, clickId, fraudReasons: [] });
    }
  });

  it('waits for a click still in a buffer, and attributes it once it is stored', async () => {
    const w = await createWorld(h, { links: {} });
    const link = await createLink(h, w);
    // Another API process's buffer, which flushes only when told.
    const buffer = testBuffer(h);
    const click = makeClick(link, { clickedAt: new Date(h.clock().getTime() - MINUTE) });
    await buffer.add(click);
    const res = await track(h, w, sale({ clickId: click.id }));
    expect(res.status).toBe(202);
    // The job has tried (and is retrying): nothing is decided while the click may still arrive.
    await new Promise((r) => setTimeout(r, 150));
    expect((await conversionRow(h, res.body.id)).processedAt).toBeNull();
    await buffer.flush();
    await buffer.close();
    await h.jobs.idle();
    expect(await conversionRow(h, res.body.id)).toMatchObject({ attributionMethod: 'click_id', partnerMemberId: w.affiliate.member.id, attributedClickId: click.id });
  });

  it('stops waiting for a click that never arrives and records the conversion unattributed', async () => {
    const w = await createWorld(h, { links: {} });
    const res = await track(h, w, sale({ clickId: clickIdAt(Date.now()) }));
    await h.jobs.idle({ timeoutMs: 30_000 });
    expect(await conversionRow(h, res.body.id)).toMatchObject({ attributionMethod: 'none', partnerMemberId: null });
  });

  it('counts a click only within the attribution window: the market policy’s, else the program’s', async () => {
    const w = await createWorld(h, { links: { attributionWindowDays: 30 } });
    const link = await createLink(h, w);
    const old = await plantClick(h, link, { agoMs: 31 * DAY });
    const recent = await plantClick(h, link, { agoMs: 29 * DAY });
    expect(await trackProcessed(h, w, sale({ clickId: old.id }))).toMatchObject({ attributionMethod: 'none', partnerMemberId: null });
    expect(await trackProcessed(h, w, sale({ clickId: recent.id }))).toMatchObject({ attributionMethod: 'click_id' });
    // A click after the conversion did not bring it.
    const after = await plantClick(h, link, { agoMs: -DAY });
    expect(await trackProcessed(h, w, sale({ clickId: after.id }))).toMatchObject({ attributionMethod: 'none' });

    // DE's policy has a 7-day window; US has no policy of its own, so the program's 30 days apply.
    const [policy] = await h.db.insert(commissionPolicies).values({ programId: w.program.id, country: 'DE' }).returning();
    await h.db.insert(commissionPolicyVersions).values({
      policyId: policy!.id,
      programId: w.program.id,
      country: 'DE',
      version: 1,
      effectiveFrom: new Date(Date.now() - 90 * DAY),
      mode: 'per_signup',
      currency: 'EUR',
      signupAmount: 500,
      holdDays: 30,
      attributionWindowDays: 7,
    });
    const tenDays = await plantClick(h, link, { agoMs: 10 * DAY, country: 'DE' });
    expect(await trackProcessed(h, w, sale({ clickId: tenDays.id, country: 'DE' }))).toMatchObject({ attributionMethod: 'none', marketCountry: 'DE' });
    // Without a sent country, the click's country is the market, so DE's window refuses it; a click
    // that attributes nothing does not tell the market of the conversion either.
    expect(await trackProcessed(h, w, sale({ clickId: tenDays.id }))).toMatchObject({ attributionMethod: 'none', marketCountry: null });
    expect(await trackProcessed(h, w, sale({ clickId: tenDays.id, country: 'US' }))).toMatchObject({ attributionMethod: 'click_id', marketCountry: 'US' });
    const sixDays = await plantClick(h, link, { agoMs: 6 * DAY, country: 'DE' });
    expect(await trackProcessed(h, w, sale({ clickId: sixDays.id }))).toMatchObject({ attributionMethod: 'click_id', marketCountry: 'DE' });
  });

  it('does not use a click of another program, of an archived link, or of a partner who may no longer be credited', async () => {
    const w = await createWorld(h, { links: {} });
    const other = await createWorld(h, { links: {} });
    const foreignClick = await plantClick(h, await createLink(h, other));
    await promoCodeFor(w, w.affiliate.member.id, 'FALLBACK');
    expect(await trackProcessed(h, w, sale({ clickId: foreignClick.id, promoCode: 'FALLBACK' }))).toMatchObject({ attributionMethod: 'promo_code', partnerMemberId: w.affiliate.member.id });
    expect(await trackProcessed(h, w, sale({ cookie: foreignClick.id }))).toMatchObject({ attributionMethod: 'none', partnerMemberId: null });

    const archived = await createLink(h, w);
    const archivedClick = await plantClick(h, archived);
    await h.db.update(links).set({ status: 'archived', archivedAt: new Date() }).where(eq(links.id, archived.id));
    expect(await trackProcessed(h, w, sale({ clickId: archivedClick.id }))).toMatchObject({ attributionMethod: 'none' });

    const banned = await affiliateWithLink(h, w);
    const bannedClick = await plantClick(h, banned.link);
    await promoCodeFor(w, banned.member.id, 'BANNED1');
    await h.db.update(affiliateProfiles).set({ status: 'banned' }).where(eq(affiliateProfiles.memberId, banned.member.id));
    expect(await trackProcessed(h, w, sale({ clickId: bannedClick.id, promoCode: 'BANNED1' }))).toMatchObject({ attributionMethod: 'none' });
    await h.db.update(promoCodes).set({ status: 'archived', archivedAt: new Date() }).where(eq(promoCodes.code, 'FALLBACK'));
    expect(await trackProcessed(h, w, sale({ promoCode: 'FALLBACK' }))).toMatchObject({ attributionMethod: 'none' });
  });

  it('binds a customer to their first partner; lifetime keeps later sales with them', async () => {
    const w = await createWorld(h, { links: {} });
    const first = await affiliateWithLink(h, w);
    const second = await affiliateWithLink(h, w);
    const customer = { externalId: 'cust-lifetime' };
    // Unattributed conversions do not bind.
    await trackProcessed(h, w, signup({ customer }));
    const bound = await trackProcessed(h, w, sale({ customer, clickId: (await plantClick(h, first.link)).id }));
    expect(bound).toMatchObject({ attributionMethod: 'click_id', partnerMemberId: first.member.id });
    const [row] = await h.db.select().from(customers).where(eq(customers.id, bound.customerId!));
    expect(row).toMatchObject({ boundPartnerId: first.member.id, boundConversionId: bound.id });

    const otherClick = await plantClick(h, second.link);
    expect(await trackProcessed(h, w, sale({ customer, clickId: otherClick.id }))).toMatchObject({ attributionMethod: 'customer', partnerMemberId: first.member.id, linkId: first.link.id });
    // Recurring revenue without any evidence, months later: still theirs.
    h.clock.advance(200 * DAY);
    try {
      expect(await trackProcessed(h, w, sale({ customer }))).toMatchObject({ attributionMethod: 'customer', partnerMemberId: first.member.id });
    } finally {
      h.clock.advance(-200 * DAY);
    }
  });

  it('with recurring = last_click, each sale follows the last click and the binding stays as history', async () => {
    const w = await createWorld(h, { links: {}, settings: { conversions: { recurring: 'last_click' } } });
    const first = await affiliateWithLink(h, w);
    const second = await affiliateWithLink(h, w);
    const customer = { externalId: 'cust-last-click' };
    const bound = await trackProcessed(h, w, sale({ customer, clickId: (await plantClick(h, first.link, { agoMs: 20 * MINUTE })).id }));
    expect(bound.partnerMemberId).toBe(first.member.id);

    const switched = await trackProcessed(h, w, sale({ customer, cookie: (await plantClick(h, second.link, { agoMs: 10 * MINUTE })).id }));
    expect(switched).toMatchObject({ attributionMethod: 'cookie', partnerMemberId: second.member.id });
    // No evidence: the customer's last click, while it is within the window.
    expect(await trackProcessed(h, w, sale({ customer }))).toMatchObject({ attributionMethod: 'customer', partnerMemberId: second.member.id, linkId: second.link.id });
    h.clock.advance(40 * DAY);
    try {
      expect(await trackProcessed(h, w, sale({ customer }))).toMatchObject({ attributionMethod: 'none', partnerMemberId: null });
    } finally {
      h.clock.advance(-40 * DAY);
    }
    const [row] = await h.db.select().from(customers).where(eq(customers.id, bound.customerId!));
    expect(row).toMatchObject({ boundPartnerId: first.member.id, boundConversionId: bound.id });
  });
});
