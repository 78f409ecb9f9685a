import { and, eq, gte, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { customers, links, members, programs, referralRewards } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ConflictError, ValidationError } from '../../errors.js';
import type { Attribution, ConversionRow, CustomerRow } from '../../tracking/conversions/types.js';
import { insertMember } from '../members/members.js';
import { earnPoints } from '../points/earn.js';
import { lockAccount } from '../points/ledger.js';
import { reverseEntry } from '../points/reverse.js';
import { referralSettingsOf } from './settings.js';

/**
 * Member-get-member rewards (issue 4): double-sided points for the referrer and the friend on the
 * friend's signup and/or first purchase, through the points ledger, idempotent, under a monthly cap
 * per member, reversed when the purchase is refunded. Each side of each event is one
 * referral_rewards row; its unique keys (per conversion and side, per friend, trigger and side)
 * are what make a replay or a second purchase grant nothing.
 */

export type RewardTrigger = 'signup' | 'first_purchase';
type Program = typeof programs.$inferSelect;

/** What the monthly cap leaves of `points` for a member who already received `receivedThisMonth`. */
export function cappedPoints(points: number, receivedThisMonth: number, cap: number | null): number {
  if (cap === null) return points;
  return Math.max(0, Math.min(points, cap - receivedThisMonth));
}

/** The UTC calendar month `at` falls in, as [start, end). */
export function utcMonthOf(at: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)),
    end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)),
  };
}

/** Which reward a conversion can earn: a signup, or a completed sale (the friend's first is rewarded once). */
export function rewardTriggerOf(conversion: Pick<ConversionRow, 'kind' | 'status'>): RewardTrigger | null {
  if (conversion.kind === 'signup') return conversion.status === 'cancelled' ? null : 'signup';
  return conversion.status === 'completed' || conversion.status === 'partially_refunded' ? 'first_purchase' : null;
}

export const referralEarnKey = (conversionId: string, side: 'referrer' | 'friend') => `referral:${conversionId}:${side}`;

/** Grants what a processed conversion attributed to an invite link earns; a no-op otherwise. */
export async function grantReferralRewards(tx: ServiceContext, conversion: ConversionRow, attribution: Attribution): Promise<void> {
  if (attribution.linkKind !== 'invite' || !attribution.partnerMemberId || !attribution.customer) return;
  await grantFor(tx, conversion, attribution.partnerMemberId, attribution.customer.id, attribution.marketCountry);
}

/**
 * A sale that was pending when processed has just been completed: its first-purchase rewards are
 * granted now, from what processing recorded on the conversion.
 */
export async function grantReferralRewardsOnCompletion(tx: ServiceContext, conversion: ConversionRow): Promise<void> {
  if (conversion.kind !== 'sale' || !conversion.processedAt || !conversion.linkId || !conversion.partnerMemberId || !conversion.customerId) return;
  const [link] = await tx.db.select({ kind: links.kind }).from(links).where(eq(links.id, conversion.linkId));
  if (link?.kind !== 'invite') return;
  await grantFor(tx, conversion, conversion.partnerMemberId, conversion.customerId, conversion.marketCountry);
}

async function grantFor(tx: ServiceContext, conversion: ConversionRow, referrerId: string, customerId: string, country: string | null): Promise<void> {
  const trigger = rewardTriggerOf(conversion);
  if (!trigger) return;
  const [program] = await tx.db.select().from(programs).where(eq(programs.id, conversion.programId));
  if (!program) return;
  const settings = referralSettingsOf(program);
  const terms = trigger === 'signup' ? settings.signup : settings.firstPurchase;
  if (terms.referrerPoints === 0 && terms.friendPoints === 0) return;
  const friendId = await friendMemberOf(tx, program, customerId, referrerId, country);
  // Inviting yourself earns nothing (the fraud rules also hold such a conversion's commission).
  if (!friendId || friendId === referrerId) return;

  const grants = [
    { side: 'referrer' as const, memberId: referrerId, points: terms.referrerPoints },
    { side: 'friend' as const, memberId: friendId, points: terms.friendPoints },
  ].filter((g) => g.points > 0);
  // The ledger's lock order (accounts first), in id order: the cap read below stays true until commit.
  for (const memberId of grants.map((g) => g.memberId).sort()) await lockAccount(tx.db, program.id, memberId);
  const now = tx.clock();
  for (const grant of grants) {
    const received = settings.monthlyCapPoints === null ? 0 : await receivedInMonth(tx.db, grant.memberId, now);
    const points = cappedPoints(grant.points, received, settings.monthlyCapPoints);
    const [reward] = await tx.db
      .insert(referralRewards)
      .values({
        programId: program.id,
        conversionId: conversion.id,
        side: grant.side,
        trigger,
        memberId: grant.memberId,
        referrerMemberId: referrerId,
        friendMemberId: friendId,
        points,
        status: points > 0 ? 'granted' : 'capped',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: referralRewards.id });
    // Already granted for this conversion, or this friend's signup / first purchase was rewarded before.
    if (!reward || points === 0) continue;
    const entry = await earnPoints(tx, {
      programId: program.id,
      memberId: grant.memberId,
      points,
      idempotencyKey: referralEarnKey(conversion.id, grant.side),
      reason: `referral_${trigger}`,
      reference: conversion.id,
    });
    await tx.db.update(referralRewards).set({ pointsEntryId: entry.id, updatedAt: now }).where(eq(referralRewards.id, reward.id));
  }
}

/** Referral points a member received in the UTC month of `at` (reversed rewards gave theirs back). */
async function receivedInMonth(db: Db, memberId: string, at: Date): Promise<number> {
  const { start, end } = utcMonthOf(at);
  const [row] = await db
    .select({ total: sql<string>`coalesce(sum(${referralRewards.points}), 0)` })
    .from(referralRewards)
    .where(and(eq(referralRewards.memberId, memberId), gte(referralRewards.createdAt, start), lt(referralRewards.createdAt, end), ne(referralRewards.status, 'reversed')));
  return Number(row?.total ?? 0);
}

/**
 * The friend as a program member: the customer's member, else the member with the customer's
 * external id, else a new member created for them (source `referral`, referred by the referrer).
 * Null when the customer cannot become a member (no external id, or the program's required
 * custom fields). The customer row is locked so two conversions never create the friend twice.
 */
async function friendMemberOf(tx: ServiceContext, program: Program, customerId: string, referrerId: string, country: string | null): Promise<string | null> {
  const [customer] = (await tx.db.select().from(customers).where(eq(customers.id, customerId)).for('update')) as CustomerRow[];
  if (!customer) return null;
  if (customer.memberId) return customer.memberId;
  if (!customer.externalRef) return null;
  const [existing] = await tx.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.programId, program.id), eq(members.externalId, customer.externalRef)));
  let memberId = existing?.id;
  if (!memberId) {
    try {
      const created = await insertMember(tx, program, { externalId: customer.externalRef, referredByMemberId: referrerId, country }, { source: 'referral' });
      memberId = created.id;
    } catch (err) {
      // Checked before anything is written, so the transaction goes on without the friend.
      if (!(err instanceof ValidationError)) throw err;
      tx.logger.warn({ customerId, issues: err.details }, 'referred customer could not become a member; no referral reward');
      return null;
    }
  }
  await tx.db.update(customers).set({ memberId, updatedAt: tx.clock() }).where(eq(customers.id, customer.id));
  return memberId;
}

/** Reverses the rewards of a conversion whose purchase was refunded in full or cancelled. */
export async function reverseReferralRewards(tx: ServiceContext, conversion: ConversionRow): Promise<void> {
  const rewards = await tx.db
    .select()
    .from(referralRewards)
    .where(and(eq(referralRewards.conversionId, conversion.id), ne(referralRewards.status, 'reversed')))
    .orderBy(referralRewards.id)
    .for('update');
  const now = tx.clock();
  for (const reward of rewards) {
    if (reward.pointsEntryId) {
      try {
        // Points already spent are not taken from elsewhere: the ledger records them as shortfall.
        await reverseEntry(tx, { programId: reward.programId, entryId: reward.pointsEntryId, idempotencyKey: `referral-reverse:${reward.id}`, reason: 'referral_reversed' });
      } catch (err) {
        // Someone reversed the entry by hand already: the points are back, which is all we want.
        const alreadyReversed = err instanceof ConflictError && (err.details as { reason?: string } | undefined)?.reason === 'already_reversed';
        if (!alreadyReversed) throw err;
      }
    }
    await tx.db.update(referralRewards).set({ status: 'reversed', reversedAt: now, updatedAt: now }).where(eq(referralRewards.id, reward.id));
  }
}
