import { and, asc, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { conversions } from '../../../../db/schema/index.js';
import { defineJob, type JobDeps } from '../../../jobs/types.js';

/** A conversion this long unprocessed lost its job (an enqueue that failed after the commit). */
export const STALE_AFTER_MS = 5 * 60_000;
const BATCH = 1_000;

/**
 * Enqueues processing again for conversions left unprocessed past STALE_AFTER_MS. The job id is
 * the conversion id, so one still queued, running or recently failed is not added twice.
 */
export async function resumeUnprocessedConversions(deps: Pick<JobDeps, 'db' | 'clock' | 'jobs'>): Promise<number> {
  const before = new Date(deps.clock().getTime() - STALE_AFTER_MS);
  const rows = await deps.db
    .select({ id: conversions.id })
    .from(conversions)
    .where(and(isNull(conversions.processedAt), lt(conversions.createdAt, before)))
    .orderBy(asc(conversions.createdAt))
    .limit(BATCH);
  for (const { id } of rows) await deps.jobs.enqueue('conversions.process', { conversionId: id }, { jobId: id });
  return rows.length;
}

/** Every five minutes: processing of every reported conversion happens, even when its first enqueue was lost. */
export const sweepUnprocessedConversionsJob = defineJob({
  name: 'conversions.sweep-unprocessed',
  payload: z.object({}).passthrough(),
  everyMs: STALE_AFTER_MS,
  async handler(deps) {
    const resumed = await resumeUnprocessedConversions(deps);
    if (resumed) deps.logger.warn({ resumed }, 'resumed processing of conversions whose job was lost');
  },
});
