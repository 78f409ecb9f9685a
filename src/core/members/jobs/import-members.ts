import { UnrecoverableError } from 'bullmq';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { importRuns } from '../../../../db/schema/index.js';
import { defineJob } from '../../../jobs/types.js';
import { runImport } from '../import/run-import.js';

const ATTEMPTS = 3;

/**
 * Processes an uploaded member file. Re-runnable: each batch commits with the run's progress, so
 * a retry resumes after the last committed batch, and a finished run is left alone. When the last
 * attempt fails the run is marked failed, so nobody waits on a run that will never finish.
 */
export const importMembersJob = defineJob({
  name: 'members.import',
  payload: z.object({ importId: z.string().min(1) }),
  attempts: ATTEMPTS,
  async handler(deps, { importId }, meta) {
    try {
      const run = await runImport(deps, importId);
      if (!run) throw new UnrecoverableError(`Import ${importId} does not exist.`);
    } catch (err) {
      if (err instanceof UnrecoverableError || meta.attempt >= ATTEMPTS) {
        await deps.db
          .update(importRuns)
          // The cause is in the logs and job_failures; callers get no SQL or stack.
          .set({ status: 'failed', failureReason: 'The import stopped on an internal error after several attempts.', finishedAt: deps.clock() })
          .where(and(eq(importRuns.id, importId), inArray(importRuns.status, ['queued', 'running'])));
      }
      throw err;
    }
  },
});
