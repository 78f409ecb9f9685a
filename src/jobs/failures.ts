import type { Db } from '../../db/client.js';
import { jobFailures } from '../../db/schema/index.js';
import type { Logger } from '../logger.js';

/** Records a job that will not be retried any more, so an operator can see it. */
export async function recordJobFailure(
  db: Db,
  logger: Logger,
  failure: { jobName: string; jobId?: string; payload: unknown; error: unknown; attempts: number; permanent: boolean },
): Promise<void> {
  const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
  logger.error({ job: failure.jobName, jobId: failure.jobId, attempts: failure.attempts, err: failure.error }, 'job failed');
  try {
    await db.insert(jobFailures).values({
      jobName: failure.jobName,
      jobId: failure.jobId ?? null,
      payload: failure.payload as object,
      error: message.slice(0, 4000),
      attempts: failure.attempts,
      permanent: failure.permanent,
    });
  } catch (err) {
    logger.error({ err }, 'could not record job failure');
  }
}

/** Exponential backoff with a cap: 1s, 2s, 4s ... (scaled by `baseMs`). */
export function backoffDelay(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), 60 * 60_000);
}
