import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { commissions, commissionStatus, conversions, fxRates } from '../../../db/schema/index.js';
import { convertMinor } from '../../payouts/fx.js';
import { ATTRIBUTED, conversionsInFrame, COUNTED_SALE, exact, type KpiFrame } from './frame.js';
import { isPartner } from './scope.js';

export type CommissionStatusName = (typeof commissionStatus.enumValues)[number];
export const COMMISSION_STATUSES = commissionStatus.enumValues;

/** Money in another currency than the payout currency, left out of the sums because it cannot be converted. */
export interface UnconvertedAmount {
  currency: string;
  amount: number;
}

export interface CommissionBucket {
  count: number;
  /** Payout amount net of what refunds took back before payment. */
  amount: number;
  /** What refunds took back before payment. */
  reversedAmount: number;
}

export interface CommissionFigures {
  byStatus: Record<CommissionStatusName, CommissionBucket>;
  /** Negative adjustments for refunds after payment. */
  clawbacks: { count: number; amount: number };
  /** Commissions owed before any reversal (rejected ones never were). */
  gross: number;
  /** Taken back by refunds and cancellations: before payment (reversed amounts) and after (clawbacks). */
  reversed: number;
  /** What the partners earn: net of reversals, rejected ones excluded, clawbacks deducted. */
  cost: number;
  /** Commissions recorded in a payout currency the program no longer uses. */
  unconverted: UnconvertedAmount[];
}

/**
 * The commissions of the period's conversions (a cohort: a refund next month still lowers this
 * month's figures), grouped by status in one query. Amounts are the recorded payout amounts.
 */
export async function commissionFigures(db: Db, f: KpiFrame): Promise<CommissionFigures> {
  const rows = await queryRows<{ payout_currency: string; clawback: boolean; status: CommissionStatusName; n: unknown; amount: unknown; reversed: unknown }>(
    db,
    sql`select cm.payout_currency, cm.kind = 'clawback' as clawback, cm.status,
          count(*) as n, sum(cm.payout_amount) as amount, sum(cm.payout_reversed_amount) as reversed
        from ${commissions} cm
        join ${conversions} cv on cv.id = cm.conversion_id
        where ${conversionsInFrame({ ...f, scope: { ...f.scope, partnerMemberId: null } })}
          and ${isPartner(sql`cm.partner_member_id`, f.scope.partnerMemberId)}
        group by 1, 2, 3`,
  );
  const byStatus = Object.fromEntries(COMMISSION_STATUSES.map((s) => [s, { count: 0, amount: 0, reversedAmount: 0 }])) as Record<CommissionStatusName, CommissionBucket>;
  const clawbacks = { count: 0, amount: 0 };
  const unconverted = new Map<string, number>();
  let gross = 0;
  let reversed = 0;
  let cost = 0;
  for (const row of rows) {
    const [count, amount, reversedAmount] = [exact(row.n), exact(row.amount), exact(row.reversed)];
    const net = amount - reversedAmount;
    const counts = row.status !== 'rejected' && row.status !== 'reversed';
    if (row.payout_currency !== f.program.payoutCurrency) {
      if (counts) unconverted.set(row.payout_currency, (unconverted.get(row.payout_currency) ?? 0) + net);
      continue;
    }
    if (row.clawback) {
      if (!counts) continue;
      clawbacks.count += count;
      clawbacks.amount += amount;
      reversed -= amount;
      cost += amount;
      continue;
    }
    const bucket = byStatus[row.status];
    bucket.count += count;
    bucket.amount += net;
    bucket.reversedAmount += reversedAmount;
    if (row.status === 'rejected') continue;
    gross += amount;
    reversed += reversedAmount;
    cost += net;
  }
  return { byStatus, clawbacks, gross, reversed, cost, unconverted: [...unconverted].map(([currency, amount]) => ({ currency, amount })) };
}

export interface RevenueFigures {
  /** Completed attributed sales net of refunds, minor units of the payout currency. */
  attributedRevenue: number;
  /** Sales in currencies with no rate known at the time they happened. */
  unconverted: UnconvertedAmount[];
}

/**
 * Attributed revenue, summed per sale currency and rate in one query, then converted per group.
 * The rate is the one the sale's commission recorded; a sale without a usable one (no commission,
 * or one held for a missing rate) takes the rate in force when it happened: the latest fx_rates row
 * for (sale currency -> payout currency) effective at or before occurred_at, the rule of fxRateAt
 * (src/payouts/fx.ts), applied here in SQL so the sales are not looked up one by one.
 */
export async function revenueFigures(db: Db, f: KpiFrame): Promise<RevenueFigures> {
  const payout = f.program.payoutCurrency;
  const recorded = sql`(cm.id is not null and cm.currency = cv.currency and cm.payout_currency = ${payout}
    and (cm.fx_rate_id is not null or cm.currency = cm.payout_currency))`;
  const rows = await queryRows<{ currency: string; rate: string | null; net: unknown }>(
    db,
    sql`select cv.currency,
          case when cv.currency = ${payout} then '1' when ${recorded} then cm.fx_rate::text else fx.rate::text end as rate,
          sum(cv.amount - cv.refunded_amount) as net
        from ${conversions} cv
        left join ${commissions} cm on cm.conversion_id = cv.id and cm.kind <> 'clawback'
        left join lateral (
          select r.rate from ${fxRates} r
          where cv.currency <> ${payout} and not ${recorded}
            and r.tenant_id = ${f.program.tenantId} and r.base = cv.currency and r.quote = ${payout} and r.effective_at <= cv.occurred_at
          order by r.effective_at desc limit 1
        ) fx on true
        where ${conversionsInFrame(f)} and ${COUNTED_SALE} and ${ATTRIBUTED}
        group by 1, 2`,
  );
  let attributedRevenue = 0;
  const unconverted = new Map<string, number>();
  for (const row of rows) {
    const net = exact(row.net);
    if (row.currency === payout) attributedRevenue += net;
    else if (row.rate === null) unconverted.set(row.currency, (unconverted.get(row.currency) ?? 0) + net);
    else attributedRevenue += convertMinor(net, row.currency, payout, row.rate);
  }
  return { attributedRevenue, unconverted: [...unconverted].map(([currency, amount]) => ({ currency, amount })) };
}
