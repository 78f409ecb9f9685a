import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { members, programs, tierReviews, tiers } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { loadProgramInScope, type Program } from '../auth/scope.js';
import { changeMemberTier, heldTier, lockMember } from './assignment.js';
import { dueEvaluationDate } from './evaluation-date.js';
import { memberTierMetrics, metricsWindow } from './metrics.js';
import { qualifiedTier } from './qualify.js';
import { tierSettings, type TierSettings } from './settings.js';
import { liveTiers } from './tiers.js';

/**
 * Scheduled tier reviews: paid tiers that ran out, and downgrades.
 *
 * Expiry (always on): a paid tier past tierExpiresAt ends; the member goes back to the highest
 * standard tier their window metrics qualify for (or none), history 'expiry'.
 *
 * Downgrade (only with settings.tiers.downgradeEnabled): a standard tier is reviewed on its
 * evaluation dates, the anniversaries of tierAchievedAt every windowMonths months, once the grace
 * period (downgradeGraceDays) after the date has passed. The metrics window then ends at the
 * review, so what the member did during the grace period still counts. A member who no longer
 * qualifies drops to the highest standard tier they do qualify for (history 'downgrade'), and
 * that tier's evaluation dates count from the drop. Each evaluation date is reviewed once
 * (tier_reviews), so the hourly job can re-run freely. Upgrades never wait for a review.
 */
export type ReviewOutcome = 'expired' | 'downgraded' | 'kept' | 'not_due';

const BATCH = 200;

export async function reviewMemberTier(ctx: ServiceContext, input: { programId: string; memberId: string }): Promise<ReviewOutcome> {
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, input.programId);
    const member = await lockMember(tx, program, input.memberId);
    const now = tx.clock();
    const settings = tierSettings(program);
    const programTiers = await liveTiers(tx.db, program.id);
    const current = programTiers.find((t) => t.id === member.tierId);
    if (!current) return 'not_due';
    const qualified = async () => {
      const window = metricsWindow(now, settings.windowMonths);
      const metrics = await memberTierMetrics(tx, { memberId: member.id, payoutCurrency: program.payoutCurrency, window });
      return qualifiedTier(metrics, programTiers);
    };

    if (current.kind === 'paid') {
      if (heldTier(member, programTiers, now)) return 'not_due';
      await changeMemberTier(tx, program, member, { toTier: await qualified(), reason: 'expiry', achievedAt: now, expiresAt: null });
      return 'expired';
    }

    if (!settings.downgradeEnabled) return 'not_due';
    const evaluationDate = dueEvaluationDate(schedule(member.tierAchievedAt ?? member.createdAt, settings), now);
    if (!evaluationDate) return 'not_due';
    const [reviewed] = await tx.db
      .select({ id: tierReviews.id })
      .from(tierReviews)
      .where(and(eq(tierReviews.memberId, member.id), eq(tierReviews.evaluationDate, evaluationDate)));
    if (reviewed) return 'not_due';

    const target = await qualified();
    const drops = !target || target.rank < current.rank;
    if (drops) {
      await changeMemberTier(tx, program, member, {
        toTier: target,
        reason: 'downgrade',
        achievedAt: now,
        expiresAt: null,
        note: `evaluation date ${evaluationDate.toISOString()}`,
      });
    }
    await tx.db.insert(tierReviews).values({ programId: program.id, memberId: member.id, evaluationDate, tierId: current.id, outcome: drops ? 'downgraded' : 'kept' });
    return drops ? 'downgraded' : 'kept';
  });
}

const schedule = (achievedAt: Date, s: TierSettings) => ({ achievedAt, windowMonths: s.windowMonths, graceDays: s.downgradeGraceDays });

/**
 * Members of one program who may need a review now: paid tiers past expiry, and (downgrades on)
 * standard tiers whose first evaluation date plus grace has passed. The exact evaluation date
 * and whether it was already reviewed are decided per member by reviewMemberTier.
 */
async function reviewCandidates(ctx: ServiceContext, program: Program, settings: TierSettings, afterId: string): Promise<string[]> {
  const now = sql`${ctx.clock().toISOString()}::timestamptz`;
  const firstReviewAt = sql`coalesce(m.tier_achieved_at, m.created_at) + make_interval(months => ${settings.windowMonths}::int, days => ${settings.downgradeGraceDays}::int)`;
  const standardDue = settings.downgradeEnabled ? sql`(t.kind = 'standard' and ${firstReviewAt} <= ${now})` : sql`false`;
  const rows = await queryRows<{ id: string }>(
    ctx.db,
    sql`select m.id from ${members} m join ${tiers} t on t.id = m.tier_id
        where m.program_id = ${program.id} and m.id > ${afterId}
          and ((t.kind = 'paid' and (m.tier_expires_at is null or m.tier_expires_at <= ${now})) or ${standardDue})
        order by m.id limit ${BATCH}`,
  );
  return rows.map((r) => r.id);
}

/** Reviews every candidate member of one program, each in its own short transaction. */
export async function reviewProgramTiers(ctx: ServiceContext, programId: string): Promise<Record<ReviewOutcome, number>> {
  const program = await loadProgramInScope(ctx, programId);
  const settings = tierSettings(program);
  const counts: Record<ReviewOutcome, number> = { expired: 0, downgraded: 0, kept: 0, not_due: 0 };
  for (let afterId = ''; ; ) {
    const batch = await reviewCandidates(ctx, program, settings, afterId);
    for (const memberId of batch) counts[await reviewMemberTier(ctx, { programId: program.id, memberId })]++;
    if (batch.length < BATCH) return counts;
    afterId = batch[batch.length - 1]!;
  }
}

/**
 * Every program, in pages by id. One program's failure does not stop the others; the job still
 * fails at the end so it is retried (reviews already done are not repeated).
 */
export async function reviewAllPrograms(ctx: ServiceContext): Promise<void> {
  const failed: string[] = [];
  for (let afterId = ''; ; ) {
    const page = await ctx.db.select({ id: programs.id }).from(programs).where(gt(programs.id, afterId)).orderBy(asc(programs.id)).limit(100);
    for (const { id } of page) {
      try {
        const counts = await reviewProgramTiers(ctx, id);
        if (counts.expired || counts.downgraded) ctx.logger.info({ programId: id, ...counts }, 'tier review');
      } catch (err) {
        ctx.logger.error({ err, programId: id }, 'tier review failed for a program');
        failed.push(id);
      }
    }
    if (page.length < 100) break;
    afterId = page[page.length - 1]!.id;
  }
  if (failed.length) throw new Error(`tier review failed for ${failed.length} program(s): ${failed.slice(0, 10).join(', ')}`);
}
