import { withTransaction, type ServiceContext } from '../../context.js';
import { loadProgramInScope } from '../auth/scope.js';
import { earnPoints } from '../points/earn.js';
import { findEntryByKey } from '../points/ledger.js';
import { changeMemberTier, heldTier, lockMember, lockTierForAssignment } from './assignment.js';
import { TIER_GIFT_REASON } from './enqueue.js';
import { memberTierMetrics, metricsWindow } from './metrics.js';
import { qualifiedTier } from './qualify.js';
import { tierSettings } from './settings.js';
import { liveTiers } from './tiers.js';

export interface TierEvaluation {
  memberId: string;
  tierId: string | null;
  upgraded: boolean;
  giftPoints: number;
}

/** The idempotency key of a tier's upgrade gift: one gift per tier per member, ever. */
export const tierGiftKey = (memberId: string, tierId: string) => `tier-gift:${memberId}:${tierId}`;

/**
 * Upgrades a member at once when their window metrics reach a standard tier above the one they
 * hold, and grants that tier's upgrade gift, all in one transaction. Never downgrades (that is the
 * scheduled review's job, see review.ts), so running it again changes nothing: it is idempotent.
 */
export async function evaluateMemberTier(ctx: ServiceContext, input: { programId: string; memberId: string }): Promise<TierEvaluation> {
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, input.programId);
    const member = await lockMember(tx, program, input.memberId);
    const now = tx.clock();
    const settings = tierSettings(program);
    const programTiers = await liveTiers(tx.db, program.id);
    const metrics = await memberTierMetrics(tx, { memberId: member.id, payoutCurrency: program.payoutCurrency, window: metricsWindow(now, settings.windowMonths) });
    const target = qualifiedTier(metrics, programTiers);
    const held = heldTier(member, programTiers, now);
    const unchanged = { memberId: member.id, tierId: member.tierId, upgraded: false, giftPoints: 0 };
    if (!target || (held && target.rank <= held.rank)) return unchanged;

    const tier = await lockTierForAssignment(tx, program.id, target.id);
    await changeMemberTier(tx, program, member, { toTier: tier, reason: member.tierId ? 'upgrade' : 'initial', achievedAt: now, expiresAt: null });
    const giftPoints = await grantUpgradeGift(tx, program.id, member.id, tier);
    return { memberId: member.id, tierId: tier.id, upgraded: true, giftPoints };
  });
}

/**
 * The gift for reaching `tier`, once per member and tier: a member who drops and climbs back does
 * not get it again. Checked by key first, since the gift amount may have changed since then and
 * the ledger would refuse the same key with another amount.
 */
async function grantUpgradeGift(tx: ServiceContext, programId: string, memberId: string, tier: { id: string; upgradeGiftPoints: number }): Promise<number> {
  if (tier.upgradeGiftPoints <= 0) return 0;
  const idempotencyKey = tierGiftKey(memberId, tier.id);
  if (await findEntryByKey(tx.db, programId, idempotencyKey)) return 0;
  await earnPoints(tx, {
    programId,
    memberId,
    points: tier.upgradeGiftPoints,
    idempotencyKey,
    reason: TIER_GIFT_REASON,
    reference: tier.id,
    // A gift is not tied to a purchase that could be returned, so it is spendable at once.
    pendingDays: 0,
  });
  return tier.upgradeGiftPoints;
}
