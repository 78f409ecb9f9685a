import type { Db } from '../../db/client.js';
import type { Config } from '../config.js';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import type { Secrets } from '../secrets/index.js';
import { createBullmqRunner } from './bullmq.js';
import { createInProcessRunner } from './in-process.js';
import type { JobConfig, JobRunner } from './types.js';

export type { JobQueue, JobRunner, JobName, JobPayload } from './types.js';

/** BullMQ when REDIS_URL is set, otherwise the in-process runner. Same handlers either way. */
export function createJobRunner(
  config: Pick<Config, 'REDIS_URL' | 'JOBS_QUEUE_PREFIX' | 'JOBS_CONCURRENCY'> & JobConfig,
  deps: { db: Db; logger: Logger; clock: Clock; secrets: Secrets; backoffMs?: number },
): JobRunner {
  const jobConfig: JobConfig = {
    CLICK_RETENTION_MONTHS: config.CLICK_RETENTION_MONTHS,
    TRANSPARENCY_ORIGIN: config.TRANSPARENCY_ORIGIN,
    TRANSPARENCY_WITNESSES: config.TRANSPARENCY_WITNESSES,
    TRANSPARENCY_SEQUENCE_INTERVAL_MS: config.TRANSPARENCY_SEQUENCE_INTERVAL_MS,
    STRIPE_SECRET_KEY: config.STRIPE_SECRET_KEY,
    STRIPE_API_BASE: config.STRIPE_API_BASE,
  };
  if (config.REDIS_URL) {
    return createBullmqRunner({
      redisUrl: config.REDIS_URL,
      prefix: config.JOBS_QUEUE_PREFIX,
      concurrency: config.JOBS_CONCURRENCY,
      config: jobConfig,
      ...deps,
    });
  }
  return createInProcessRunner({ concurrency: config.JOBS_CONCURRENCY, config: jobConfig, ...deps });
}
