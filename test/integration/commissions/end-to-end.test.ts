import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commissions, customers, pointsAccounts, referralRewards } from '../../../db/schema/index.js';
import { createLink, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { merchant, plantClick, sale, signup, track, trackProcessed } from '../conversions/fixtures.js';
import { createPolicy } from './fixtures.js';

/** Through the merchant API: intake, processing job, attribution, fraud rules, commissions and rewards together. */

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await createHarness();
  w = await createWorld(h, {
    settings: { referrals: { signup: { referrerPoints: 100, friendPoints: 50 }, firstPurchase: { referrerPoints: 500, friendPoints: 200 } }, points: { pendingDays: 0 } },
  });
  await createPolicy(h, w.program.id, 'DE', { percentBps: 1000, holdDays: 30 });
});
afterAll(async () => h?.close());

const commissionsOfConversion = (conversionId: string) => h.db.select().from(commissions).where(eq(commissions.conversionId, conversionId)).orderBy(commissions.id);
const balanceOf = async (memberId: string) => (await h.db.select().from(pointsAccounts).where(eq(pointsAccounts.memberId, memberId)))[0]?.available ?? 0;

describe('conversions to commissions, end to end', () => {
  it('commissions a clicked sale, shrinks it on a partial refund and claws back a refund after payment', async () => {
    const link = await createLink(h, w);
    const click = await plantClick(h, link, { agoMs: 10 * 60_000 });
    const conversion = await trackProcessed(h, w, sale({ clickId: click.id, country: 'DE' }));
    expect(conversion).toMatchObject({ partnerMemberId: w.affiliate.member.id, fraudReasons: [] });

    const listed = await h.request('GET', `/v1/programs/${w.program.id}/commissions?conversionId=${conversion.id}`, { token: w.tokens.affiliate });
    expect(listed.body.data).toMatchObject([{ kind: 'sale', status: 'pending', amount: 1000, currency: 'EUR', country: 'DE', holdReasons: [] }]);

    expect((await merchant(h, w, conversion.externalId, 'refunds', { refundId: 'refund-1', amount: 2_500 })).status).toBeLessThan(300);
    expect((await merchant(h, w, conversion.externalId, 'refunds', { refundId: 'refund-1', amount: 2_500 })).status).toBeLessThan(300);
    expect(await commissionsOfConversion(conversion.id)).toMatchObject([{ status: 'pending', reversedAmount: 250 }]);

    await h.db.update(commissions).set({ status: 'paid', paidAt: h.clock() }).where(eq(commissions.conversionId, conversion.id));
    expect((await merchant(h, w, conversion.externalId, 'refunds', { refundId: 'refund-2', amount: 7_500 })).status).toBeLessThan(300);
    expect(await commissionsOfConversion(conversion.id)).toMatchObject([
      { kind: 'sale', status: 'paid', amount: 1000, reversedAmount: 250 },
      { kind: 'clawback', status: 'approved', amount: -750 },
    ]);
  });

  it('holds an injected click’s commission for a manager, who approves it', async () => {
    const link = await createLink(h, w);
    const now = h.clock();
    const click = await plantClick(h, link, { agoMs: 2_000 });
    const conversion = await trackProcessed(h, w, sale({ clickId: click.id, country: 'DE', occurredAt: now.toISOString() }));
    expect(conversion.fraudReasons).toEqual(['click_injection']);
    const [held] = await commissionsOfConversion(conversion.id);
    expect(held).toMatchObject({ status: 'held', holdReasons: ['click_injection'] });
    const approved = await h.request('POST', `/v1/commissions/${held!.id}/approve`, { token: w.tokens.regional_manager, body: { reason: 'Checked the order.' } });
    expect(approved.body).toMatchObject({ status: 'pending', decisionReason: 'Checked the order.' });
  });

  it('rewards a friend who signs up through an invite link, and their first purchase, reversed on a full refund', async () => {
    const referrer = w.member.member;
    const invite = await createLink(h, w, { kind: 'invite', ownerMemberId: referrer.id, destinationUrl: null });
    const click = await plantClick(h, invite, { agoMs: 10 * 60_000 });
    const body = signup({ clickId: click.id, customer: { externalId: 'friend-e2e' }, country: 'DE' });
    const joined = await trackProcessed(h, w, body);
    // The merchant retries the call: the replay changes nothing.
    expect((await track(h, w, body)).status).toBe(202);
    await h.jobs.idle();
    const [customer] = await h.db.select().from(customers).where(eq(customers.id, joined.customerId!));
    const friendId = customer!.memberId!;
    expect(friendId).toBeTruthy();
    expect(await balanceOf(referrer.id)).toBe(100);
    expect(await balanceOf(friendId)).toBe(50);

    const purchase = await trackProcessed(h, w, sale({ customer: { externalId: 'friend-e2e' }, amount: 4_000 }));
    expect(await h.db.select().from(referralRewards).where(eq(referralRewards.conversionId, purchase.id))).toHaveLength(2);
    expect(await balanceOf(referrer.id)).toBe(600);
    expect(await balanceOf(friendId)).toBe(250);

    expect((await merchant(h, w, purchase.externalId, 'refunds', { refundId: 'friend-refund', amount: 4_000 })).status).toBeLessThan(300);
    expect(await balanceOf(referrer.id)).toBe(100);
    expect(await balanceOf(friendId)).toBe(50);
  });
});
