import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client.js';
import { affiliateProfiles, payoutAccounts, payouts } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { loadMemberInScope, loadProgramInScope } from '../../core/auth/scope.js';
import { pageInputSchema, pageLimit, toPage, type Page, type PageInput } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { NotFoundError } from '../../errors.js';
import { carryReasonOf, type CarryReason } from './assemble.js';
import { assertAdmin, type PayoutMethod } from './runs.js';
import { itemsOf } from './settle.js';
import { minimumFor, payoutSettingsOf, type PayoutSettings } from './settings.js';
import { payoutView, type PayoutView } from './views.js';

export const PAYOUT_STATUSES = ['pending', 'processing', 'paid', 'failed', 'reversed'] as const;

export const PayoutListQuerySchema = pageInputSchema.extend({
  status: z.enum(PAYOUT_STATUSES).optional(),
  partnerMemberId: z.string().min(1).max(64).optional(),
  runId: z.string().min(1).max(64).optional(),
});
export type PayoutListQuery = z.input<typeof PayoutListQuerySchema>;

/** A program's payouts (admin), oldest first, by status, affiliate or run. */
export async function listPayouts(ctx: ServiceContext, programId: string, raw: PayoutListQuery): Promise<Page<PayoutView>> {
  assertAdmin(ctx.actor);
  const query = parseInput(PayoutListQuerySchema, raw, 'query');
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit({ limit: query.limit, cursor: query.cursor });
  const conditions: (SQL | undefined)[] = [eq(payouts.programId, program.id)];
  if (cursor !== undefined) conditions.push(gt(payouts.id, cursor));
  if (query.status) conditions.push(eq(payouts.status, query.status));
  if (query.partnerMemberId) conditions.push(eq(payouts.partnerMemberId, query.partnerMemberId));
  if (query.runId) conditions.push(eq(payouts.runId, query.runId));
  const rows = await ctx.db.select().from(payouts).where(and(...conditions)).orderBy(asc(payouts.id)).limit(fetch);
  return toPage(rows, limit, (p) => payoutView(p, ctx.actor));
}

/** One payout with its items; an admin sees any of the program's, an affiliate only their own. */
export async function getPayout(ctx: ServiceContext, programId: string, payoutId: string): Promise<PayoutView> {
  const program = await loadProgramInScope(ctx, programId);
  const [payout] = await ctx.db.select().from(payouts).where(and(eq(payouts.id, payoutId), eq(payouts.programId, program.id)));
  const actor = ctx.actor;
  const own = actor.kind !== 'user' || actor.role === 'admin' || ((actor.role === 'affiliate' || actor.role === 'member') && payout?.partnerMemberId === actor.memberId);
  if (!payout || !own) throw new NotFoundError('Payout', payoutId);
  return payoutView(payout, actor, await itemsOf(ctx, payout.id));
}

/** An affiliate's payouts, newest last, failed ones with their reason. */
export async function listAffiliatePayouts(ctx: ServiceContext, programId: string, memberId: string, page: PageInput): Promise<Page<PayoutView>> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const { limit, fetch, cursor } = pageLimit(page);
  const rows = await ctx.db
    .select()
    .from(payouts)
    .where(and(eq(payouts.programId, member.programId), eq(payouts.partnerMemberId, member.id), cursor === undefined ? undefined : gt(payouts.id, cursor)))
    .orderBy(asc(payouts.id))
    .limit(fetch);
  return toPage(rows, limit, (p) => payoutView(p, ctx.actor));
}

export interface BalanceLine {
  currency: string;
  /** Approved and in no payout: what the next run takes. */
  approved: number;
  /** In a payout not settled yet. */
  inPayout: number;
  pending: number;
  held: number;
  minimum: number;
  /** Whether the next run would pay `approved` (as of now). */
  nextRunPays: boolean;
  /** Why not, when it would not. */
  carryReason: CarryReason | null;
}

/** The program's payout settings with defaults applied. */
export async function getPayoutSettings(ctx: ServiceContext, programId: string): Promise<PayoutSettings> {
  const program = await loadProgramInScope(ctx, programId);
  return payoutSettingsOf(program);
}

/** What an affiliate is owed, per payout currency, and whether the next run would pay it. */
export async function affiliateBalance(ctx: ServiceContext, programId: string, memberId: string, method: PayoutMethod): Promise<{ memberId: string; method: PayoutMethod; balances: BalanceLine[] }> {
  const { program, member } = await loadMemberInScope(ctx, programId, memberId);
  const settings = payoutSettingsOf(program);
  const rows = await queryRows<{ currency: string; approved: string; in_payout: string; pending: string; held: string }>(
    ctx.db,
    sql`select payout_currency as currency,
          coalesce(sum(payout_amount - payout_reversed_amount) filter (where status = 'approved' and payout_id is null), 0)::text as approved,
          coalesce(sum(payout_amount - payout_reversed_amount) filter (where status = 'approved' and payout_id is not null), 0)::text as in_payout,
          coalesce(sum(payout_amount - payout_reversed_amount) filter (where status = 'pending'), 0)::text as pending,
          coalesce(sum(payout_amount - payout_reversed_amount) filter (where status = 'held'), 0)::text as held
        from commissions
        where program_id = ${program.id} and partner_member_id = ${member.id} and status in ('approved', 'pending', 'held')
        group by payout_currency order by payout_currency`,
  );
  const [profile] = await ctx.db.select({ status: affiliateProfiles.status }).from(affiliateProfiles).where(eq(affiliateProfiles.memberId, member.id));
  const [account] = method === 'stripe' ? await ctx.db.select().from(payoutAccounts).where(and(eq(payoutAccounts.memberId, member.id), eq(payoutAccounts.programId, program.id))) : [];
  const balances = rows.map((r): BalanceLine => {
    const approved = Number(r.approved);
    const minimum = minimumFor(settings, r.currency);
    const carryReason = carryReasonOf({ net: approved, minimum, affiliateApproved: profile?.status === 'approved', method, account });
    return { currency: r.currency, approved, inPayout: Number(r.in_payout), pending: Number(r.pending), held: Number(r.held), minimum, nextRunPays: carryReason === null, carryReason };
  });
  return { memberId: member.id, method, balances };
}
