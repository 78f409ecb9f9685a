import { and, asc, gt, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { stripeEvents } from '../../../../db/schema/index.js';
import { defineJob, type JobDeps } from '../../../jobs/types.js';

/** An event this long unprocessed lost its job (a crash before it ran, or retries given up). */
export const STALE_AFTER_MS = 5 * 60_000;
/** Older ones are left alone: whatever keeps failing is in the job failures by then. */
const GIVE_UP_AFTER_MS = 3 * 86_400_000;
const BATCH = 500;

/**
 * Enqueues handling again for Stripe events stored but not processed past STALE_AFTER_MS. Stripe
 * does not deliver an event again once we answered 200, so this is what makes a lost job harmless.
 * The job id is the event id: one still queued, running or recently failed is not added twice.
 */
export async function resumeUnprocessedStripeEvents(deps: Pick<JobDeps, 'db' | 'clock' | 'jobs'>): Promise<number> {
  const now = deps.clock().getTime();
  const rows = await deps.db
    .select({ id: stripeEvents.id })
    .from(stripeEvents)
    .where(and(isNull(stripeEvents.processedAt), lt(stripeEvents.createdAt, new Date(now - STALE_AFTER_MS)), gt(stripeEvents.createdAt, new Date(now - GIVE_UP_AFTER_MS))))
    .orderBy(asc(stripeEvents.createdAt))
    .limit(BATCH);
  for (const { id } of rows) await deps.jobs.enqueue('stripe.handle-event', { eventId: id }, { jobId: id });
  return rows.length;
}

/** Every five minutes: every stored Stripe event is handled, even when its first job was lost. */
export const sweepStripeEventsJob = defineJob({
  name: 'stripe.sweep-events',
  payload: z.object({}).passthrough(),
  everyMs: STALE_AFTER_MS,
  async handler(deps) {
    const resumed = await resumeUnprocessedStripeEvents(deps);
    if (resumed) deps.logger.warn({ resumed }, 'resumed handling of Stripe events whose job was lost');
  },
});
