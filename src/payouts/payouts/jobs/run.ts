import { UnrecoverableError } from 'bullmq';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { payoutRuns } from '../../../../db/schema/index.js';
import { systemActor } from '../../../core/auth/actor.js';
import { NotFoundError } from '../../../errors.js';
import { defineJob, type JobDeps } from '../../../jobs/types.js';
import { assemblePayoutRun } from '../assemble.js';

const ATTEMPTS = 5;

/** A run whose assembly gave up is `failed`, so it no longer blocks the program's next run. */
async function markRunFailed(deps: JobDeps, runId: string, err: unknown) {
  const message = err instanceof Error ? err.message : String(err);
  await deps.db
    .update(payoutRuns)
    .set({ status: 'failed', error: message.slice(0, 2000), completedAt: deps.clock() })
    .where(and(eq(payoutRuns.id, runId), inArray(payoutRuns.status, ['pending', 'running'])));
}

/**
 * Assembles a payout run (assemble.ts), then enqueues one transfer job per Stripe payout (job id =
 * payout id, so a second assembly pass does not queue a second transfer). Idempotent: an assembled
 * run assembles nothing again. Nothing is assembled by a failed attempt (one transaction).
 */
export const runPayoutsJob = defineJob({
  name: 'payouts.run',
  payload: z.object({ runId: z.string().min(1) }),
  attempts: ATTEMPTS,
  async handler(deps, { runId }, meta) {
    const ctx = { ...deps, actor: systemActor('payouts.run') };
    let transferPayoutIds: string[];
    try {
      ({ transferPayoutIds } = await assemblePayoutRun(ctx, runId));
    } catch (err) {
      if (err instanceof NotFoundError) throw new UnrecoverableError(err.message);
      if (meta.attempt >= ATTEMPTS) await markRunFailed(deps, runId, err);
      throw err;
    }
    for (const payoutId of transferPayoutIds) await deps.jobs.enqueue('payouts.transfer', { payoutId }, { jobId: payoutId });
    deps.logger.info({ runId, transfers: transferPayoutIds.length }, 'payout run assembled');
  },
});
