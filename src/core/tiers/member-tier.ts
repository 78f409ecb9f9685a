import { and, asc, eq, gt } from 'drizzle-orm';
import { tierHistory } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { loadMemberInScope } from '../auth/scope.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { heldTier } from './assignment.js';
import { addDays, upcomingEvaluationDate } from './evaluation-date.js';
import { memberTierMetrics, metricsWindow, type MetricsWindow } from './metrics.js';
import { nextStandardTier, progressTowards, type ThresholdProgress, type TierMetrics } from './qualify.js';
import { tierSettings } from './settings.js';
import { liveTiers, type Tier } from './tiers.js';

export type TierHistoryRow = typeof tierHistory.$inferSelect;

export interface MemberTierStatus {
  memberId: string;
  /** The tier held now (a paid tier past its expiry is not held). */
  tier: Tier | null;
  achievedAt: Date | null;
  expiresAt: Date | null;
  window: MetricsWindow;
  metrics: TierMetrics;
  nextTier: { tier: Tier; match: 'any' | 'all'; qualified: boolean; thresholds: ThresholdProgress[] } | null;
  /** Downgrade reviews: when the held standard tier is next evaluated, and when its grace ends. */
  evaluation: { downgradeEnabled: boolean; evaluationDate: Date | null; graceEndsAt: Date | null };
}

/** Where a member stands: their tier, window metrics and what the next tier still needs. */
export async function getMemberTier(ctx: ServiceContext, input: { programId: string; memberId: string }): Promise<MemberTierStatus> {
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const now = ctx.clock();
  const settings = tierSettings(program);
  const programTiers = await liveTiers(ctx.db, program.id);
  const window = metricsWindow(now, settings.windowMonths);
  const metrics = await memberTierMetrics(ctx, { memberId: member.id, payoutCurrency: program.payoutCurrency, window });
  const tier = heldTier(member, programTiers, now);
  const next = nextStandardTier(programTiers, tier?.rank ?? null);

  let evaluationDate: Date | null = null;
  if (settings.downgradeEnabled && tier?.kind === 'standard') {
    const schedule = { achievedAt: member.tierAchievedAt ?? member.createdAt, windowMonths: settings.windowMonths, graceDays: settings.downgradeGraceDays };
    evaluationDate = upcomingEvaluationDate(schedule, now);
  }
  return {
    memberId: member.id,
    tier,
    achievedAt: tier ? member.tierAchievedAt : null,
    expiresAt: tier ? member.tierExpiresAt : null,
    window,
    metrics,
    nextTier: next ? { tier: next, ...progressTowards(next.qualification, metrics) } : null,
    evaluation: {
      downgradeEnabled: settings.downgradeEnabled,
      evaluationDate,
      graceEndsAt: evaluationDate ? addDays(evaluationDate, settings.downgradeGraceDays) : null,
    },
  };
}

/** A member's tier changes, oldest first. */
export async function listTierHistory(ctx: ServiceContext, input: { programId: string; memberId: string } & PageInput): Promise<Page<TierHistoryRow>> {
  const { member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const page = pageLimit({ limit: input.limit, cursor: input.cursor });
  const rows = await ctx.db
    .select()
    .from(tierHistory)
    .where(and(eq(tierHistory.memberId, member.id), page.cursor ? gt(tierHistory.id, page.cursor) : undefined))
    .orderBy(asc(tierHistory.id))
    .limit(page.fetch);
  return toPage(rows, page.limit);
}
