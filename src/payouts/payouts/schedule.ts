import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { payoutRuns, payouts, programs } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { payoutMethodOf, type StripeConfig } from '../stripe/client.js';
import { periodKeyOf, resumeJobId } from './runs.js';
import { payoutSettingsOf } from './settings.js';

/** How long a Stripe payout may sit unsettled before the schedule assumes its job was lost. */
export const STALE_PAYOUT_MS = 10 * 60_000;

/**
 * The hourly tick: starts this month's run of every program on the monthly schedule once its day
 * has come (the unique `period_key` makes that once, however many workers tick), and enqueues
 * again what a crash left behind: runs never assembled, Stripe payouts never settled.
 */
export async function tickPayoutSchedule(ctx: ServiceContext, config: StripeConfig | undefined): Promise<{ started: string[]; resumedRuns: string[]; resumedPayouts: string[] }> {
  const now = ctx.clock();
  const periodKey = periodKeyOf(now);
  const started: string[] = [];
  const rows = await ctx.db.select({ id: programs.id, settings: programs.settings, payoutCurrency: programs.payoutCurrency }).from(programs).orderBy(asc(programs.id));
  for (const program of rows) {
    const settings = payoutSettingsOf(program);
    if (settings.schedule !== 'monthly' || now.getUTCDate() < settings.dayOfMonth) continue;
    // An admin's run still in progress: the next tick starts the month's run once it is done.
    const [busy] = await ctx.db
      .select({ id: payoutRuns.id })
      .from(payoutRuns)
      .where(and(eq(payoutRuns.programId, program.id), inArray(payoutRuns.status, ['pending', 'running'])));
    if (busy) continue;
    const [run] = await ctx.db
      .insert(payoutRuns)
      .values({ programId: program.id, trigger: 'schedule', method: payoutMethodOf(config), periodKey, cutoffAt: now })
      .onConflictDoNothing()
      .returning({ id: payoutRuns.id });
    if (!run) continue;
    await ctx.jobs.enqueue('payouts.run', { runId: run.id }, { jobId: run.id });
    started.push(run.id);
  }

  const staleBefore = new Date(now.getTime() - STALE_PAYOUT_MS).toISOString();
  const staleRuns = await ctx.db
    .select({ id: payoutRuns.id })
    .from(payoutRuns)
    .where(and(inArray(payoutRuns.status, ['pending', 'running']), lt(payoutRuns.createdAt, sql`${staleBefore}::timestamptz`)));
  for (const r of staleRuns) await ctx.jobs.enqueue('payouts.run', { runId: r.id }, { jobId: resumeJobId(r.id, now) });
  const stalePayouts = await ctx.db
    .select({ id: payouts.id })
    .from(payouts)
    .where(
      and(
        eq(payouts.method, 'stripe'),
        inArray(payouts.status, ['pending', 'processing']),
        sql`coalesce(${payouts.lastAttemptAt}, ${payouts.createdAt}) < ${staleBefore}::timestamptz`,
      ),
    )
    .orderBy(asc(payouts.id));
  for (const p of stalePayouts) await ctx.jobs.enqueue('payouts.transfer', { payoutId: p.id }, { jobId: resumeJobId(p.id, now) });
  return { started, resumedRuns: staleRuns.map((r) => r.id), resumedPayouts: stalePayouts.map((p) => p.id) };
}
