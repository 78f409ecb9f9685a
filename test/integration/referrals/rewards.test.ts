import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, members, pointsAccounts, pointsEntries, referralRewards } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../../src/context.js';
import { grantReferralRewards, reverseReferralRewards } from '../../../src/core/referrals/rewards.js';
import { onConversionCompleted } from '../../../src/payouts/commissions/effects.js';
import type { Attribution, ConversionRow, CustomerRow } from '../../../src/tracking/conversions/types.js';
import { createLink, createMember, createWorld, type World } from '../../helpers/factories.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { attributionTo, insertConversion, insertCustomer, markProcessed, updateConversion } from '../commissions/fixtures.js';

let h: Harness;
const inTx = <T>(fn: (tx: ServiceContext) => Promise<T>) => withTransaction(h.ctx(), fn);

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const REFERRALS = { signup: { referrerPoints: 100, friendPoints: 50 }, firstPurchase: { referrerPoints: 500, friendPoints: 200 } };

/** A program with rewards on (points available at once), and the world's member's invite link. */
async function setup(referrals: Record<string, unknown> = REFERRALS) {
  const w = await createWorld(h, { settings: { referrals, points: { pendingDays: 0 } } });
  const referrer = w.member.member;
  const invite = await createLink(h, w, { kind: 'invite', ownerMemberId: referrer.id, destinationUrl: null });
  const viaInvite = (customer: CustomerRow, attrs: Partial<Attribution> = {}): Attribution =>
    attributionTo(referrer.id, { method: 'cookie', linkId: invite.id, linkKind: 'invite', customer, marketCountry: 'DE', ...attrs });
  return { w, referrer, invite, viaInvite };
}

/** A processed conversion of `customer`, rewarded as processing does. */
async function processed(w: World, attribution: Attribution, attrs: Parameters<typeof insertConversion>[2] = {}): Promise<ConversionRow> {
  const conversion = await markProcessed(h, await insertConversion(h, w.program.id, { customerId: attribution.customer?.id, ...attrs }), attribution);
  await inTx((tx) => grantReferralRewards(tx, conversion, attribution));
  return conversion;
}

const balanceOf = async (memberId: string) => (await h.db.select().from(pointsAccounts).where(eq(pointsAccounts.memberId, memberId)))[0]?.available ?? 0;
/** Referrer first (the enum's order). */
const rewardsOf = (conversionId: string) => h.db.select().from(referralRewards).where(eq(referralRewards.conversionId, conversionId)).orderBy(referralRewards.side);

describe('member-get-member rewards', () => {
  it('grants both sides once on the friend’s signup, making the friend a member referred by the referrer', async () => {
    const { w, referrer, viaInvite } = await setup();
    const customer = await insertCustomer(h, w.program.id, { externalRef: 'crm-friend-1' });
    const attribution = viaInvite(customer);
    const signup = await processed(w, attribution, { kind: 'signup' });

    const [linked] = await h.db.select().from(customers).where(eq(customers.id, customer.id));
    const [friend] = await h.db.select().from(members).where(eq(members.id, linked!.memberId!));
    expect(friend).toMatchObject({ externalId: 'crm-friend-1', referredByMemberId: referrer.id, source: 'referral', country: 'DE', programId: w.program.id });

    const rewards = await rewardsOf(signup.id);
    expect(rewards).toMatchObject([
      { side: 'referrer', trigger: 'signup', memberId: referrer.id, points: 100, status: 'granted' },
      { side: 'friend', trigger: 'signup', memberId: friend!.id, points: 50, status: 'granted', referrerMemberId: referrer.id, friendMemberId: friend!.id },
    ]);
    const [entry] = await h.db.select().from(pointsEntries).where(eq(pointsEntries.id, rewards[0]!.pointsEntryId!));
    expect(entry).toMatchObject({ kind: 'earn', amount: 100, idempotencyKey: `referral:${signup.id}:referrer`, reason: 'referral_signup', memberId: referrer.id });
    expect(await balanceOf(referrer.id)).toBe(100);
    expect(await balanceOf(friend!.id)).toBe(50);

    // Processing replayed (even with the stale attribution) grants nothing more and creates no second member.
    await inTx((tx) => grantReferralRewards(tx, signup, attribution));
    // Another signup of the same friend is not a new referral either.
    await processed(w, attribution, { kind: 'signup' });
    expect(await balanceOf(referrer.id)).toBe(100);
    expect(await balanceOf(friend!.id)).toBe(50);
    expect(await h.db.select().from(members).where(and(eq(members.programId, w.program.id), eq(members.externalId, 'crm-friend-1')))).toHaveLength(1);
  });

  it('grants the first purchase once, and reverses it when the purchase is fully refunded', async () => {
    const { w, referrer, viaInvite } = await setup();
    const friend = await createMember(h, w.program.id, { country: 'DE' });
    const customer = await insertCustomer(h, w.program.id, { memberId: friend.id });
    // The friend's later sales are credited to the referrer through the customer's binding.
    const purchase = await processed(w, viaInvite(customer, { method: 'customer' }), { amount: 5_000 });
    expect(await balanceOf(referrer.id)).toBe(500);
    expect(await balanceOf(friend.id)).toBe(200);
    await processed(w, viaInvite(customer, { method: 'customer' }), { amount: 7_000 });
    expect(await balanceOf(referrer.id)).toBe(500);

    const refunded = await updateConversion(h, purchase.id, { status: 'refunded', refundedAmount: 5_000 });
    await inTx((tx) => reverseReferralRewards(tx, refunded));
    await inTx((tx) => reverseReferralRewards(tx, refunded)); // replayed: nothing more
    expect(await rewardsOf(purchase.id)).toMatchObject([{ status: 'reversed' }, { status: 'reversed' }]);
    expect(await balanceOf(referrer.id)).toBe(0);
    expect(await balanceOf(friend.id)).toBe(0);
    const reversals = await h.db.select().from(pointsEntries).where(and(eq(pointsEntries.memberId, referrer.id), eq(pointsEntries.kind, 'reverse')));
    expect(reversals).toMatchObject([{ amount: -500, reason: 'referral_reversed' }]);
  });

  it('grants a purchase that was pending at processing when it is completed', async () => {
    const { w, referrer, viaInvite } = await setup();
    const friend = await createMember(h, w.program.id);
    const customer = await insertCustomer(h, w.program.id, { memberId: friend.id });
    const pending = await processed(w, viaInvite(customer), { status: 'pending' });
    expect(await rewardsOf(pending.id)).toEqual([]);
    const completed = await updateConversion(h, pending.id, { status: 'completed', completedAt: h.clock() });
    await inTx((tx) => onConversionCompleted(tx, completed));
    await inTx((tx) => onConversionCompleted(tx, completed));
    expect(await balanceOf(referrer.id)).toBe(500);
    expect(await balanceOf(friend.id)).toBe(200);
  });

  it('trims grants to the monthly cap per member, and grants again the next month', async () => {
    h.clock.set(new Date('2031-05-10T12:00:00.000Z'));
    try {
      const { w, referrer, viaInvite } = await setup({ ...REFERRALS, monthlyCapPoints: 550 });
      const friendA = await createMember(h, w.program.id);
      const customerA = await insertCustomer(h, w.program.id, { memberId: friendA.id });
      await processed(w, viaInvite(customerA), { kind: 'signup' }); // referrer 100
      const purchase = await processed(w, viaInvite(customerA)); // referrer 500 -> trimmed to 450
      expect(await rewardsOf(purchase.id)).toMatchObject([
        { side: 'referrer', points: 450, status: 'granted' },
        { side: 'friend', points: 200, status: 'granted' },
      ]);
      expect(await balanceOf(referrer.id)).toBe(550);

      const friendB = await createMember(h, w.program.id);
      const customerB = await insertCustomer(h, w.program.id, { memberId: friendB.id });
      const capped = await processed(w, viaInvite(customerB), { kind: 'signup' });
      expect(await rewardsOf(capped.id)).toMatchObject([
        { side: 'referrer', points: 0, status: 'capped', pointsEntryId: null },
        { side: 'friend', points: 50, status: 'granted' },
      ]);
      expect(await balanceOf(referrer.id)).toBe(550);

      h.clock.set(new Date('2031-06-01T00:00:01.000Z'));
      const friendC = await createMember(h, w.program.id);
      const customerC = await insertCustomer(h, w.program.id, { memberId: friendC.id });
      await processed(w, viaInvite(customerC), { kind: 'signup' });
      expect(await balanceOf(referrer.id)).toBe(650);
    } finally {
      h.clock.set(new Date());
    }
  });

  it('grants nothing for self-referral, an affiliate link, a customer who cannot be a member, or with rewards off', async () => {
    const { w, referrer, viaInvite } = await setup();
    const self = await insertCustomer(h, w.program.id, { memberId: referrer.id });
    const selfSignup = await processed(w, viaInvite(self), { kind: 'signup' });
    const stranger = await insertCustomer(h, w.program.id, { externalRef: null, emailHmac: 'a'.repeat(64) });
    const anonymous = await processed(w, viaInvite(stranger), { kind: 'signup' });
    const friend = await createMember(h, w.program.id);
    const customer = await insertCustomer(h, w.program.id, { memberId: friend.id });
    const affiliateLink = await createLink(h, w);
    const viaAffiliate = await processed(w, attributionTo(w.affiliate.member.id, { method: 'click_id', linkId: affiliateLink.id, linkKind: 'affiliate', customer }), { kind: 'signup' });
    for (const c of [selfSignup, anonymous, viaAffiliate]) expect(await rewardsOf(c.id)).toEqual([]);
    expect(await balanceOf(referrer.id)).toBe(0);

    const off = await setup({});
    const offFriend = await createMember(h, off.w.program.id);
    const offCustomer = await insertCustomer(h, off.w.program.id, { memberId: offFriend.id });
    const offSignup = await processed(off.w, off.viaInvite(offCustomer), { kind: 'signup' });
    expect(await rewardsOf(offSignup.id)).toEqual([]);
  });
});
