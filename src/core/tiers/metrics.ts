import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { memberOrders, members, pointsEntries } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { TIER_GIFT_REASON } from './enqueue.js';
import { addMonthsUtc } from './evaluation-date.js';
import type { TierMetrics } from './qualify.js';

export interface MetricsWindow {
  from: Date;
  to: Date;
}

/** The rolling window that ends at `now` and reaches `windowMonths` calendar months back. */
export function metricsWindow(now: Date, windowMonths: number): MetricsWindow {
  return { from: addMonthsUtc(now, -windowMonths), to: now };
}

/**
 * A member's qualification metrics over the window:
 * - pointsEarned: positive `earn` entries booked in the window (upgrade gifts excluded, or a gift
 *   could itself lift the member to the next tier);
 * - qualifyingSpend: their orders in the window, net of refunds;
 * - referralRevenue: the same over the orders of members they referred;
 * - referredSignups: members they referred who joined in the window.
 * Money counts only orders in the program's payout currency: tier thresholds are set in it, and
 * minor units of different currencies cannot be added up.
 */
export async function memberTierMetrics(
  ctx: ServiceContext,
  input: { memberId: string; payoutCurrency: string; window: MetricsWindow },
): Promise<TierMetrics> {
  const from = sql`${input.window.from.toISOString()}::timestamptz`;
  const to = sql`${input.window.to.toISOString()}::timestamptz`;
  const e = pointsEntries;
  const o = memberOrders;
  const [row] = await queryRows<{ points_earned: string | number; qualifying_spend: string | number; referral_revenue: string | number; referred_signups: string | number }>(
    ctx.db,
    sql`
      select
        (select coalesce(sum(${e.amount}), 0) from ${e}
          where ${e.memberId} = ${input.memberId} and ${e.kind} = 'earn' and ${e.amount} > 0
            and ${e.reason} is distinct from ${TIER_GIFT_REASON} and ${e.createdAt} > ${from}) as points_earned,
        (select coalesce(sum(${o.amount} - ${o.refundedAmount}), 0) from ${o}
          where ${o.memberId} = ${input.memberId} and ${o.currency} = ${input.payoutCurrency}
            and ${o.occurredAt} > ${from} and ${o.occurredAt} <= ${to}) as qualifying_spend,
        (select coalesce(sum(ro.amount - ro.refunded_amount), 0)
          from ${o} ro join ${members} referred on referred.id = ro.member_id
          where referred.referred_by_member_id = ${input.memberId} and ro.currency = ${input.payoutCurrency}
            and ro.occurred_at > ${from} and ro.occurred_at <= ${to}) as referral_revenue,
        (select count(*) from ${members}
          where ${members.referredByMemberId} = ${input.memberId} and ${members.createdAt} > ${from}) as referred_signups`,
  );
  return {
    pointsEarned: Number(row?.points_earned ?? 0),
    qualifyingSpend: Number(row?.qualifying_spend ?? 0),
    referralRevenue: Number(row?.referral_revenue ?? 0),
    referredSignups: Number(row?.referred_signups ?? 0),
  };
}
