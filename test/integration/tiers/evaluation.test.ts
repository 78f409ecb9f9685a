import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, pointsEntries, tierHistory } from '../../../db/schema/index.js';
import { earnPoints } from '../../../src/core/points/earn.js';
import { recordOrder as recordOrderService } from '../../../src/core/points/orders.js';
import { enqueueTierEvaluation } from '../../../src/core/tiers/enqueue.js';
import { evaluateMemberTier } from '../../../src/core/tiers/evaluate.js';
import { createTier, updateTier } from '../../../src/core/tiers/tiers.js';
import { createHarness, type Harness } from '../../helpers/harness.js';
import { createMember, createWorld } from '../../helpers/factories.js';
import { createLadder, recordOrder, uniqueKey } from './fixtures.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** Earning enqueues a tier evaluation; waiting for the jobs makes its outcome visible. */
async function earnAndSettle(programId: string, memberId: string, points: number) {
  await earnPoints(h.ctx(), { programId, memberId, points, idempotencyKey: uniqueKey('earn') });
  await h.jobs.idle();
}
const tierOf = async (id: string) => (await h.db.select().from(members).where(eq(members.id, id)))[0]!.tierId;
const giftEntries = (programId: string, memberId: string) =>
  h.db.select().from(pointsEntries).where(and(eq(pointsEntries.programId, programId), eq(pointsEntries.memberId, memberId), eq(pointsEntries.reason, 'tier_gift')));
const history = async (memberId: string) =>
  (await h.db.select().from(tierHistory).where(eq(tierHistory.memberId, memberId)).orderBy(tierHistory.id)).map((e) => [e.reason, e.fromTierId, e.toTierId]);

describe('tier evaluation', () => {
  it('places a member on the entry level, then upgrades at once after earning, with the gift granted once', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const memberId = w.member.member.id;

    expect(await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId })).toMatchObject({ tierId: ladder.bronze.id, upgraded: true, giftPoints: 0 });
    await earnAndSettle(w.program.id, memberId, 999);
    expect(await tierOf(memberId)).toBe(ladder.bronze.id);
    await earnAndSettle(w.program.id, memberId, 1);
    const [row] = await h.db.select().from(members).where(eq(members.id, memberId));
    expect(row).toMatchObject({ tierId: ladder.silver.id, tierAchievedAt: expect.any(Date), tierExpiresAt: null });

    // Evaluating again changes nothing and grants nothing; the gift's own points do not count either.
    expect(await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId })).toMatchObject({ tierId: ladder.silver.id, upgraded: false });
    const gifts = await giftEntries(w.program.id, memberId);
    expect(gifts).toHaveLength(1);
    expect(gifts[0]).toMatchObject({ kind: 'earn', amount: 200, idempotencyKey: `tier-gift:${memberId}:${ladder.silver.id}` });
    expect(await history(memberId)).toEqual([
      ['initial', null, ladder.bronze.id],
      ['upgrade', ladder.bronze.id, ladder.silver.id],
    ]);
  });

  it('never grants a tier gift twice, even when the tier is reached again with a changed gift', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const memberId = w.member.member.id;
    await earnAndSettle(w.program.id, memberId, 1000);
    expect(await tierOf(memberId)).toBe(ladder.silver.id);
    // Dropped back by hand, gift raised by the admin: climbing again must not pay a second gift.
    await h.db.update(members).set({ tierId: ladder.bronze.id }).where(eq(members.id, memberId));
    await updateTier(h.ctx(), { programId: w.program.id, tierId: ladder.silver.id, patch: { upgradeGiftPoints: 999 } });
    expect(await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId })).toMatchObject({ tierId: ladder.silver.id, upgraded: true, giftPoints: 0 });
    expect(await giftEntries(w.program.id, memberId)).toHaveLength(1);
  });

  it('counts spend net of refunds in the payout currency within the window, referral revenue and signups', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const memberId = w.member.member.id;
    await recordOrder(h, w.program.id, memberId, 60_000, { refunded: 20_000 });
    await recordOrder(h, w.program.id, memberId, 90_000, { currency: 'USD' });
    await recordOrder(h, w.program.id, memberId, 90_000, { occurredAt: new Date(h.clock().getTime() - 400 * 86_400_000) });
    expect(await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId })).toMatchObject({ tierId: ladder.bronze.id });
    await recordOrder(h, w.program.id, memberId, 10_000);
    expect(await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId })).toMatchObject({ tierId: ladder.silver.id, giftPoints: 200 });

    const friend = await createMember(h, w.program.id, { referredByMemberId: memberId });
    await createMember(h, w.program.id, { referredByMemberId: memberId });
    await recordOrder(h, w.program.id, friend.id, 12_345);
    await earnAndSettle(w.program.id, memberId, 5000);
    expect(await tierOf(memberId)).toBe(ladder.gold.id);
    expect(await giftEntries(w.program.id, memberId)).toHaveLength(2);

    const status = await h.request('GET', `/v1/programs/${w.program.id}/members/${memberId}/tier`, { token: w.admin.token });
    expect(status.body.metrics).toEqual({ pointsEarned: 5000, qualifyingSpend: 50_000, referralRevenue: 12_345, referredSignups: 2 });
  });

  it('upgrades after an order is recorded through the points service, and the referrer for their referral revenue', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id, { silver: { qualification: { match: 'any', qualifyingSpend: 50_000, referralRevenue: 50_000 } } });
    const referrer = w.affiliate.member.id;
    const memberId = w.member.member.id;
    await h.db.update(members).set({ referredByMemberId: referrer }).where(eq(members.id, memberId));
    await recordOrderService(h.ctx(), { programId: w.program.id, memberId, externalId: uniqueKey('order'), amount: 50_000, currency: 'EUR' });
    await h.jobs.idle();
    expect(await tierOf(memberId)).toBe(ladder.silver.id);
    expect(await tierOf(referrer)).toBe(ladder.silver.id);
  });

  it('upgrades a referrer at once when a referred friend signs up through the members API', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id, { silver: { qualification: { match: 'any', referredSignups: 1 } } });
    const referrer = w.affiliate.member.id;
    const res = await h.request('POST', `/v1/programs/${w.program.id}/members`, {
      token: w.apiKey,
      body: { name: 'Friend', email: `${uniqueKey('friend')}@example.test`, country: 'DE', referredByMemberId: referrer },
    });
    expect(res.status).toBe(201);
    await h.jobs.idle();
    expect(await tierOf(referrer)).toBe(ladder.silver.id);
  });

  it('collapses a burst of evaluation requests and upgrades once', async () => {
    const w = await createWorld(h);
    const ladder = await createLadder(h, w.program.id);
    const memberId = w.member.member.id;
    await recordOrder(h, w.program.id, memberId, 50_000);
    await Promise.all([1, 2, 3].map(() => enqueueTierEvaluation(h.ctx(), { programId: w.program.id, memberId })));
    await h.jobs.idle();
    expect(await tierOf(memberId)).toBe(ladder.silver.id);
    expect(await giftEntries(w.program.id, memberId)).toHaveLength(1);
    expect(await history(memberId)).toHaveLength(1);
  });

  it('does not move a member off a higher paid tier they hold', async () => {
    const w = await createWorld(h);
    await createLadder(h, w.program.id);
    const vip = await createTier(h.ctx(), { programId: w.program.id, tier: { name: 'VIP', rank: 5, kind: 'paid', feeAmount: 4900, feeCurrency: 'EUR', validityDays: 365 } });
    const memberId = w.member.member.id;
    await h.db.update(members).set({ tierId: vip.id, tierAchievedAt: h.clock(), tierExpiresAt: new Date(h.clock().getTime() + 86_400_000) }).where(eq(members.id, memberId));
    await earnAndSettle(w.program.id, memberId, 1000);
    expect(await tierOf(memberId)).toBe(vip.id);
    expect(await evaluateMemberTier(h.ctx(), { programId: w.program.id, memberId })).toMatchObject({ tierId: vip.id, upgraded: false });
  });
});
