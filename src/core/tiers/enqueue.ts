import type { ServiceContext } from '../../context.js';

/** Reason of the points entry a tier upgrade gift creates: it neither counts towards tiers nor asks for an evaluation. */
export const TIER_GIFT_REASON = 'tier_gift';

/** Evaluations of one member enqueued within this many ms collapse into one job. */
const COLLAPSE_MS = 1000;

/**
 * Asks for a tier evaluation of a member once the current transaction commits; call it wherever
 * points are earned or orders recorded. Bursts collapse: the job id names the member and a
 * one-second bucket, and the job runs when the bucket closes, so it sees every write that asked
 * for it. (A fixed id per member would not do: BullMQ keeps finished jobs and would drop the next
 * request.) The queue runs on real time, hence Date.now rather than the domain clock. The
 * evaluation's own gift (reason 'tier_gift') does not ask again, which would only be a no-op.
 */
export async function enqueueTierEvaluation(ctx: ServiceContext, input: { programId: string; memberId: string; reason?: string | null }): Promise<void> {
  if (input.reason === TIER_GIFT_REASON) return;
  const enqueue = async () => {
    const now = Date.now();
    const bucket = Math.floor(now / COLLAPSE_MS);
    await ctx.jobs.enqueue('tiers.evaluate-member', { programId: input.programId, memberId: input.memberId }, {
      jobId: `tiers.evaluate-member:${input.memberId}:${bucket}`,
      delayMs: (bucket + 1) * COLLAPSE_MS - now,
    });
  };
  if (ctx.afterCommit) ctx.afterCommit(enqueue);
  else await enqueue();
}
