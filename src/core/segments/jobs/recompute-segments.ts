import { UnrecoverableError } from 'bullmq';
import { asc } from 'drizzle-orm';
import { z } from 'zod';
import { programs } from '../../../../db/schema/index.js';
import { NotFoundError, ValidationError } from '../../../errors.js';
import { defineJob } from '../../../jobs/types.js';
import { systemActor } from '../../auth/actor.js';
import { recomputeProgramSegments } from '../recompute.js';

const DAY_MS = 86_400_000;

/**
 * `segments.recompute`: with a programId, recomputes that program's segments; without one (the
 * daily schedule), fans out one job per program so each runs, retries and fails on its own.
 * Re-running is harmless: a recompute rewrites every row of its program.
 */
export const recomputeSegmentsJob = defineJob({
  name: 'segments.recompute',
  payload: z.object({ programId: z.string().min(1).optional() }),
  everyMs: DAY_MS,
  async handler(deps, payload) {
    const ctx = { ...deps, actor: systemActor('segments.recompute') };
    if (payload.programId) {
      try {
        const result = await recomputeProgramSegments(ctx, payload.programId);
        deps.logger.info({ programId: result.programId, counts: result.counts }, 'segments recomputed');
      } catch (err) {
        // A vanished program or broken settings will not fix themselves by retrying.
        if (err instanceof NotFoundError || err instanceof ValidationError) throw new UnrecoverableError(err.message);
        throw err;
      }
      return;
    }
    const day = deps.clock().toISOString().slice(0, 10);
    const rows = await deps.db.select({ id: programs.id }).from(programs).orderBy(asc(programs.id));
    for (const { id } of rows) {
      // One per program and day, so a retried fan-out does not queue the same program twice.
      await deps.jobs.enqueue('segments.recompute', { programId: id }, { jobId: `segments.recompute:${id}:${day}` });
    }
  },
});
