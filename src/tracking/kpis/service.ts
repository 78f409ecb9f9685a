import { sql } from 'drizzle-orm';
import { withTransaction, type ServiceContext } from '../../context.js';
import { loadNamedMember, loadProgramInScope } from '../../core/auth/scope.js';
import { parseInput } from '../../core/validation.js';
import { ratio, type KpiFrame } from './frame.js';
import { churnFigures, activationFigures, repurchaseFigures } from './members.js';
import { commissionFigures, revenueFigures, type CommissionBucket, type CommissionStatusName, type UnconvertedAmount } from './money.js';
import { kpiPeriod, KpiQuerySchema, type KpiQuery } from './query.js';
import { kpiScope } from './scope.js';
import { clickFigures, conversionFigures } from './traffic.js';

/** The KPIs of one program over a period (definitions: docs/kpis.md). Money in minor units of `currency`. */
export interface ProgramKpis {
  programId: string;
  from: string;
  to: string;
  /** The market asked for, if any. */
  country: string | null;
  /** The markets covered: null for all; a regional manager's countries when they named none. */
  countries: string[] | null;
  partnerMemberId: string | null;
  /** The program's payout currency. */
  currency: string;
  /** When the figures were computed (churn and activation depend on it for a period not over yet). */
  asOf: Date;
  traffic: {
    clicks: number;
    uniqueClicks: number;
    signups: number;
    sales: number;
    pendingSales: number;
    attributedSignups: number;
    attributedSales: number;
    conversionRate: number | null;
    epc: number | null;
    attributedRevenue: number;
  };
  money: {
    commissionsByStatus: Record<CommissionStatusName, CommissionBucket>;
    clawbacks: { count: number; amount: number };
    grossCommission: number;
    reversedCommission: number;
    commissionCost: number;
    reversalRate: number | null;
    roi: number | null;
  };
  members: {
    newMembers: number;
    activatedMembers: number;
    activationRate: number | null;
    activeAtStart: number;
    churnedMembers: number;
    churnRate: number | null;
    purchasingMembers: number;
    repeatPurchasers: number;
    repurchaseRate: number | null;
    memberSales: number;
    memberShareOfTransactions: number | null;
    inviteClicks: number;
    inviteConversions: number;
    referralConversionRate: number | null;
  };
  /** Money that could not be put in the payout currency, left out of the sums above. */
  unconverted: { revenue: UnconvertedAmount[]; commissions: UnconvertedAmount[] };
}

/**
 * Every KPI of the period, from seven aggregate queries, limited to what the actor may see (see
 * kpiScope). They run in one read-only snapshot: ratios such as ROI divide figures of two queries,
 * and one connection per request keeps dashboards from crowding out the tracking traffic.
 */
export async function getProgramKpis(ctx: ServiceContext, programId: string, raw: KpiQuery = {}): Promise<ProgramKpis> {
  const query = parseInput(KpiQuerySchema, raw, 'query');
  const period = kpiPeriod(ctx.clock, query);
  const program = await loadProgramInScope(ctx, programId);
  const scope = kpiScope(ctx.actor, query);
  const ownNumbers = ctx.actor.kind === 'user' && (ctx.actor.role === 'affiliate' || ctx.actor.role === 'member');
  if (scope.partnerMemberId !== null && !ownNumbers) await loadNamedMember(ctx, program, scope.partnerMemberId);

  const f: KpiFrame = { program, period, scope, now: ctx.clock() };
  const snapshotOwned = !ctx.afterCommit;
  const { clicks, conversions, commissions, revenue, activation, churn, repurchase } = await withTransaction(ctx, async (tx) => {
    if (snapshotOwned) await tx.db.execute(sql`set transaction isolation level repeatable read, read only`);
    return {
      clicks: await clickFigures(tx.db, f),
      conversions: await conversionFigures(tx.db, f),
      commissions: await commissionFigures(tx.db, f),
      revenue: await revenueFigures(tx.db, f),
      activation: await activationFigures(tx.db, f),
      churn: await churnFigures(tx.db, f),
      repurchase: await repurchaseFigures(tx.db, f),
    };
  });
  const attributed = conversions.attributedSignups + conversions.attributedSales;

  return {
    programId: program.id,
    from: period.from,
    to: period.to,
    country: query.country ?? null,
    countries: scope.countries,
    partnerMemberId: scope.partnerMemberId,
    currency: program.payoutCurrency,
    asOf: f.now,
    traffic: {
      clicks: clicks.clicks,
      uniqueClicks: clicks.uniqueClicks,
      signups: conversions.signups,
      sales: conversions.sales,
      pendingSales: conversions.pendingSales,
      attributedSignups: conversions.attributedSignups,
      attributedSales: conversions.attributedSales,
      conversionRate: ratio(attributed, clicks.clicks),
      epc: ratio(commissions.cost, clicks.clicks),
      attributedRevenue: revenue.attributedRevenue,
    },
    money: {
      commissionsByStatus: commissions.byStatus,
      clawbacks: commissions.clawbacks,
      grossCommission: commissions.gross,
      reversedCommission: commissions.reversed,
      commissionCost: commissions.cost,
      reversalRate: ratio(commissions.reversed, commissions.gross),
      roi: ratio(revenue.attributedRevenue, commissions.cost),
    },
    members: {
      ...activation,
      activationRate: ratio(activation.activatedMembers, activation.newMembers),
      ...churn,
      churnRate: ratio(churn.churnedMembers, churn.activeAtStart),
      ...repurchase,
      repurchaseRate: ratio(repurchase.repeatPurchasers, repurchase.purchasingMembers),
      memberSales: conversions.memberSales,
      memberShareOfTransactions: ratio(conversions.memberSales, conversions.sales),
      inviteClicks: clicks.inviteClicks,
      inviteConversions: conversions.inviteConversions,
      referralConversionRate: ratio(conversions.inviteConversions, clicks.inviteClicks),
    },
    unconverted: { revenue: revenue.unconverted, commissions: commissions.unconverted },
  };
}
