import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import { payoutRuns, payouts, programs } from '../../../db/schema/index.js';
import { enqueueAfterCommit, withTransaction, type ServiceContext } from '../../context.js';
import { actorId, type Actor } from '../../core/auth/actor.js';
import { recordAudit } from '../../core/audit.js';
import { loadProgramInScope } from '../../core/auth/scope.js';
import { pageLimit, toPage, type Page, type PageInput } from '../../core/pagination.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { payoutRunView, payoutView, type PayoutRunView, type PayoutView } from './views.js';

/**
 * Payout runs: started by an admin (optionally with an idempotency key) or by the monthly
 * schedule (once per period), one at a time per program. The run's job assembles the payouts
 * (assemble.ts); each Stripe payout then has its own transfer job (transfer.ts).
 */

export type PayoutMethod = 'stripe' | 'manual';

export function assertAdmin(actor: Actor): void {
  if (actor.kind === 'system') return;
  if (actor.kind === 'user' && actor.role === 'admin') return;
  throw new ForbiddenError('Only an administrator may do this.');
}

/** A retried transfer job needs an id of its own: the first one's id stays among the finished ones. */
export const resumeJobId = (payoutId: string, at: Date) => `${payoutId}:resume:${at.getTime()}`;

export async function startPayoutRun(
  ctx: ServiceContext,
  programId: string,
  input: { method: PayoutMethod; idempotencyKey?: string | undefined },
): Promise<{ run: PayoutRunView; replayed: boolean }> {
  assertAdmin(ctx.actor);
  return await withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    // One start at a time per program: the in-progress check below is then race-free.
    await tx.db.select({ id: programs.id }).from(programs).where(eq(programs.id, program.id)).for('update');
    if (input.idempotencyKey) {
      const [existing] = await tx.db
        .select()
        .from(payoutRuns)
        .where(and(eq(payoutRuns.programId, program.id), eq(payoutRuns.idempotencyKey, input.idempotencyKey)));
      if (existing) return { run: payoutRunView(existing), replayed: true };
    }
    const [busy] = await tx.db
      .select({ id: payoutRuns.id })
      .from(payoutRuns)
      .where(and(eq(payoutRuns.programId, program.id), inArray(payoutRuns.status, ['pending', 'running'])));
    if (busy) throw new ConflictError(`Payout run ${busy.id} of this program is still in progress.`, 'payout_run_in_progress', { runId: busy.id });
    const now = tx.clock();
    const [run] = await tx.db
      .insert(payoutRuns)
      .values({
        programId: program.id,
        trigger: 'admin',
        method: input.method,
        idempotencyKey: input.idempotencyKey ?? null,
        requestedBy: actorId(tx.actor),
        cutoffAt: now,
      })
      .returning();
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'payout_run.started', entityType: 'payout_run', entityId: run!.id, after: { method: run!.method, cutoffAt: now } });
    await enqueueAfterCommit(tx, 'payouts.run', { runId: run!.id }, { jobId: run!.id });
    return { run: payoutRunView(run!), replayed: false };
  });
}

async function loadRun(ctx: ServiceContext, programId: string, runId: string) {
  const program = await loadProgramInScope(ctx, programId);
  const [run] = await ctx.db.select().from(payoutRuns).where(and(eq(payoutRuns.id, runId), eq(payoutRuns.programId, program.id)));
  if (!run) throw new NotFoundError('Payout run', runId);
  return { program, run };
}

/** Newest first. */
export async function listPayoutRuns(ctx: ServiceContext, programId: string, page: PageInput): Promise<Page<PayoutRunView>> {
  assertAdmin(ctx.actor);
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit(page);
  const rows = await ctx.db
    .select()
    .from(payoutRuns)
    .where(and(eq(payoutRuns.programId, program.id), cursor === undefined ? undefined : lt(payoutRuns.id, cursor)))
    .orderBy(desc(payoutRuns.id))
    .limit(fetch);
  return toPage(rows, limit, payoutRunView);
}

/** The run with its payouts; the balances it carried over are in `summary.carried`. */
export async function getPayoutRun(ctx: ServiceContext, programId: string, runId: string): Promise<PayoutRunView & { payouts: PayoutView[] }> {
  assertAdmin(ctx.actor);
  const { run } = await loadRun(ctx, programId, runId);
  const rows = await ctx.db.select().from(payouts).where(eq(payouts.runId, run.id)).orderBy(asc(payouts.id));
  return { ...payoutRunView(run), payouts: rows.map((p) => payoutView(p, ctx.actor)) };
}

/**
 * Enqueues again what a crash may have left behind: the run's assembly if it never ran, and a
 * transfer for each of its Stripe payouts not settled yet. Safe to repeat: assembly happens once,
 * and a transfer reconciles with Stripe before it creates anything.
 */
export async function resumePayoutRun(ctx: ServiceContext, programId: string, runId: string): Promise<{ run: PayoutRunView; resumedPayoutIds: string[] }> {
  assertAdmin(ctx.actor);
  const { run } = await loadRun(ctx, programId, runId);
  const now = ctx.clock();
  if (run.status === 'pending' || run.status === 'running') {
    await ctx.jobs.enqueue('payouts.run', { runId: run.id }, { jobId: resumeJobId(run.id, now) });
    return { run: payoutRunView(run), resumedPayoutIds: [] };
  }
  const open = await ctx.db
    .select({ id: payouts.id })
    .from(payouts)
    .where(and(eq(payouts.runId, run.id), eq(payouts.method, 'stripe'), inArray(payouts.status, ['pending', 'processing'])))
    .orderBy(asc(payouts.id));
  for (const p of open) await ctx.jobs.enqueue('payouts.transfer', { payoutId: p.id }, { jobId: resumeJobId(p.id, now) });
  return { run: payoutRunView(run), resumedPayoutIds: open.map((p) => p.id) };
}

/** The `period_key` of a monthly run: the UTC year and month. */
export const periodKeyOf = (at: Date) => at.toISOString().slice(0, 7);
