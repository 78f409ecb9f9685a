import { z } from 'zod';
import type { LogEntryInput } from './append.js';
import { Currency, MinorUnits } from './fields.js';

/**
 * Daily statistics entries (daily-stats.ts): one per affiliate with activity, and one per program,
 * for each UTC day that ended. An affiliate's figures are for them to check against their own
 * entries; a program's are public, so an affiliate can compare programs before joining.
 */

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const COMMISSION_STATUS = z.enum(['pending', 'held', 'approved', 'paid', 'reversed', 'rejected']);

export const AffiliateDailyStatsEntry = z
  .object({
    type: z.literal('stats.affiliate.daily'),
    v: z.literal(1),
    partnerMemberId: z.string(),
    programId: z.string(),
    /** The UTC day, YYYY-MM-DD. */
    day: Day,
    /** Counted clicks on the affiliate's links that day (neither bots nor duplicates), from the click rollups. */
    clicks: z.number().int(),
    /** Conversions credited to the affiliate that were recorded that day. */
    conversions: z.number().int(),
    /**
     * Every commission of the affiliate as it stood at the end of the day (its latest commission
     * entry recorded before midnight), by status and currency: how many, and what they come to net
     * of reversals, in the sale currency and in the payout currency.
     */
    commissions: z.array(
      z
        .object({
          status: COMMISSION_STATUS,
          currency: Currency,
          payoutCurrency: Currency,
          count: z.number().int(),
          amount: MinorUnits,
          payoutAmount: MinorUnits,
        })
        .strict(),
    ),
  })
  .strict();

export const ProgramDailyStatsEntry = z
  .object({
    type: z.literal('stats.program.daily'),
    v: z.literal(1),
    programId: z.string(),
    day: Day,
    /** The figures cover the commissions (signups and sales) created in this many days up to the end of `day`. */
    windowDays: z.number().int(),
    commissions: z.number().int(),
    /** Share of them reversed (refunds, cancellations) by the end of the day, in basis points; null without commissions. */
    reversalRateBps: z.number().int().nullable(),
    /** Share of them held for review when created, in basis points; null without commissions. */
    heldShareBps: z.number().int().nullable(),
    /** Median days from creation to approval, of those approved by the end of the day (2 decimals); null when none. */
    medianDaysToApproval: z.number().nullable(),
    /** Median days from approval to payment, of those paid by the end of the day (2 decimals); null when none. */
    medianDaysApprovalToPayment: z.number().nullable(),
  })
  .strict();

export type AffiliateDailyStats = Omit<z.infer<typeof AffiliateDailyStatsEntry>, 'type' | 'v'>;
export type ProgramDailyStats = Omit<z.infer<typeof ProgramDailyStatsEntry>, 'type' | 'v'>;

export function affiliateDailyStatsEntry(s: AffiliateDailyStats, tenantId: string): LogEntryInput {
  return { type: 'stats.affiliate.daily', v: 1, tenantId, programId: s.programId, partnerMemberId: s.partnerMemberId, body: { ...s } };
}

export function programDailyStatsEntry(s: ProgramDailyStats, tenantId: string): LogEntryInput {
  return { type: 'stats.program.daily', v: 1, tenantId, programId: s.programId, partnerMemberId: null, body: { ...s } };
}
