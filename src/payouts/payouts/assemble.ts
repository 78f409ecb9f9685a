import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { affiliateProfiles, commissions, payoutAccounts, payoutItems, payoutRuns, payouts, programs } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import { minimumFor, payoutSettingsOf } from './settings.js';

/**
 * A run's assembly: ONE transaction that takes the program's approved, unpaid commissions up to
 * the run's cutoff, nets them per affiliate and currency (clawbacks are negative commissions, so
 * they net against what is owed) and makes a payout of each balance that may be paid. Everything
 * else stays where it is and carries over to the next run; the run's summary says why.
 */

export type CarryReason = 'below_minimum' | 'not_positive' | 'affiliate_not_approved' | 'payout_account_missing' | 'payout_account_not_ready';

export interface CarriedBalance {
  partnerMemberId: string;
  currency: string;
  amount: number;
  commissionCount: number;
  minimum: number;
  reason: CarryReason;
}

export interface RunSummary {
  payouts: { count: number; byCurrency: Record<string, { count: number; amount: number }> };
  carried: { count: number; byCurrency: Record<string, { count: number; amount: number }>; balances: CarriedBalance[] };
}

/** Why a balance is not paid by a run, or null when it is; the balance endpoint asks the same question. */
export function carryReasonOf(b: {
  net: number;
  minimum: number;
  affiliateApproved: boolean;
  method: 'stripe' | 'manual';
  account: Pick<typeof payoutAccounts.$inferSelect, 'payoutsEnabled' | 'status'> | undefined;
}): CarryReason | null {
  if (b.net <= 0) return 'not_positive';
  if (b.net < b.minimum) return 'below_minimum';
  if (!b.affiliateApproved) return 'affiliate_not_approved';
  if (b.method === 'stripe' && !b.account) return 'payout_account_missing';
  if (b.method === 'stripe' && !(b.account!.payoutsEnabled && b.account!.status === 'enabled')) return 'payout_account_not_ready';
  return null;
}

/** Deterministic, so a crashed run resumed later presents Stripe the key it used the first time. */
export const payoutIdempotencyKey = (runId: string, partnerMemberId: string, currency: string) => `payout:${runId}:${partnerMemberId}:${currency}`;

type Group = { partnerMemberId: string; currency: string; net: number; items: { commissionId: string; amount: number }[] };

/**
 * Assembles the run (once: an assembled run is `completed` and assembling it again does nothing)
 * and returns the Stripe payouts of the run still waiting for their transfer.
 */
export async function assemblePayoutRun(ctx: ServiceContext, runId: string): Promise<{ transferPayoutIds: string[] }> {
  return await withTransaction(ctx, async (tx) => {
    const [run] = await tx.db.select().from(payoutRuns).where(eq(payoutRuns.id, runId)).for('update');
    if (!run) throw new NotFoundError('Payout run', runId);
    if (run.status === 'pending' || run.status === 'running') await assemble(tx, run);
    const open = await tx.db
      .select({ id: payouts.id })
      .from(payouts)
      .where(and(eq(payouts.runId, runId), eq(payouts.method, 'stripe'), inArray(payouts.status, ['pending', 'processing'])))
      .orderBy(asc(payouts.id));
    return { transferPayoutIds: open.map((p) => p.id) };
  });
}

async function assemble(tx: ServiceContext, run: typeof payoutRuns.$inferSelect): Promise<void> {
  const now = tx.clock();
  const [program] = await tx.db.select().from(programs).where(eq(programs.id, run.programId));
  const settings = payoutSettingsOf(program!);
  // Fixed order, so two runs (or a run and a refund) lock the same rows in the same order.
  const rows = await tx.db
    .select({ id: commissions.id, partnerMemberId: commissions.partnerMemberId, currency: commissions.payoutCurrency, amount: commissions.payoutAmount, reversed: commissions.payoutReversedAmount })
    .from(commissions)
    .where(and(eq(commissions.programId, run.programId), eq(commissions.status, 'approved'), sql`${commissions.payoutId} is null`, sql`${commissions.approvedAt} <= ${run.cutoffAt.toISOString()}::timestamptz`))
    .orderBy(asc(commissions.id))
    .for('update');

  const groups = new Map<string, Group>();
  for (const r of rows) {
    const key = `${r.partnerMemberId}\u0000${r.currency}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { partnerMemberId: r.partnerMemberId, currency: r.currency, net: 0, items: [] }));
    const amount = r.amount - r.reversed;
    g.net += amount;
    g.items.push({ commissionId: r.id, amount });
  }

  const partners = [...new Set([...groups.values()].map((g) => g.partnerMemberId))];
  const approved = new Set(
    partners.length
      ? (await tx.db.select({ id: affiliateProfiles.memberId }).from(affiliateProfiles).where(and(inArray(affiliateProfiles.memberId, partners), eq(affiliateProfiles.status, 'approved')))).map((r) => r.id)
      : [],
  );
  const accounts = new Map(
    run.method === 'stripe' && partners.length
      ? (await tx.db.select().from(payoutAccounts).where(and(eq(payoutAccounts.programId, run.programId), inArray(payoutAccounts.memberId, partners)))).map((a) => [a.memberId, a])
      : [],
  );

  const summary: RunSummary = { payouts: { count: 0, byCurrency: {} }, carried: { count: 0, byCurrency: {}, balances: [] } };
  const add = (bucket: { count: number; byCurrency: Record<string, { count: number; amount: number }> }, currency: string, amount: number) => {
    bucket.count++;
    const c = (bucket.byCurrency[currency] ??= { count: 0, amount: 0 });
    c.count++;
    c.amount += amount;
  };

  const sorted = [...groups.values()].sort((a, b) => (a.partnerMemberId === b.partnerMemberId ? (a.currency < b.currency ? -1 : 1) : a.partnerMemberId < b.partnerMemberId ? -1 : 1));
  for (const g of sorted) {
    const minimum = minimumFor(settings, g.currency);
    const account = accounts.get(g.partnerMemberId);
    const reason = carryReasonOf({ net: g.net, minimum, affiliateApproved: approved.has(g.partnerMemberId), method: run.method, account });
    if (reason) {
      add(summary.carried, g.currency, g.net);
      summary.carried.balances.push({ partnerMemberId: g.partnerMemberId, currency: g.currency, amount: g.net, commissionCount: g.items.length, minimum, reason });
      continue;
    }
    const [payout] = await tx.db
      .insert(payouts)
      .values({
        runId: run.id,
        programId: run.programId,
        partnerMemberId: g.partnerMemberId,
        currency: g.currency,
        amount: g.net,
        commissionCount: g.items.length,
        method: run.method,
        status: 'pending',
        idempotencyKey: payoutIdempotencyKey(run.id, g.partnerMemberId, g.currency),
        stripeAccountId: run.method === 'stripe' ? account!.stripeAccountId : null,
      })
      .returning();
    await tx.db.insert(payoutItems).values(g.items.map((i) => ({ payoutId: payout!.id, commissionId: i.commissionId, amount: i.amount, createdAt: now })));
    await tx.db
      .update(commissions)
      .set({ payoutId: payout!.id, updatedAt: now })
      .where(inArray(commissions.id, g.items.map((i) => i.commissionId)));
    add(summary.payouts, g.currency, g.net);
  }

  await tx.db
    .update(payoutRuns)
    .set({ status: 'completed', startedAt: run.startedAt ?? now, completedAt: now, updatedAt: now, summary: summary as unknown as Record<string, unknown> })
    .where(eq(payoutRuns.id, run.id));
}
