import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Db } from '../../db/client.js';
import { createCoalescer } from '../coalesce.js';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import type { Secrets } from '../secrets/index.js';
import { backoffDelay, recordJobFailure } from './failures.js';
import { createMergeGate } from './merge-gate.js';
import { jobMap } from './registry.js';
import type { EnqueueOptions, JobConfig, JobDefinition, JobName, JobPayload, JobRunner } from './types.js';
import { scheduleIntervalMs } from './types.js';

export interface BullmqRunnerOptions {
  redisUrl: string;
  /** Key prefix in Redis; tests give each run its own so parallel suites do not share queues. */
  prefix: string;
  db: Db;
  logger: Logger;
  clock: Clock;
  secrets: Secrets;
  concurrency: number;
  backoffMs?: number;
  definitions?: Record<string, JobDefinition>;
  config?: JobConfig;
}

const QUEUE_NAME = 'jobs';

function redisClient(url: string): Redis {
  // BullMQ needs maxRetriesPerRequest: null for its blocking commands.
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/**
 * BullMQ queues and workers on Redis: many API and worker processes share one queue, scheduled
 * jobs are de-duplicated by Redis (job schedulers), retries use BullMQ's exponential backoff.
 */
export function createBullmqRunner(opts: BullmqRunnerOptions): JobRunner {
  const definitions: Record<string, JobDefinition> = opts.definitions ?? jobMap;
  const backoffMs = opts.backoffMs ?? 1000;
  const log = opts.logger.child({ component: 'jobs', runner: 'bullmq' });
  const queueConnection = redisClient(opts.redisUrl);
  const queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: opts.prefix });
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;

  async function process(job: Job): Promise<void> {
    const def = definitions[job.name];
    if (!def) throw new UnrecoverableError(`Unknown job ${job.name}`);
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    try {
      const payload = def.payload.parse(job.data);
      await def.handler(
        { db: opts.db, logger: log.child({ job: job.name, jobId: job.id }), clock: opts.clock, jobs: runner, secrets: opts.secrets, config: opts.config },
        payload,
        { id: String(job.id), attempt },
      );
    } catch (err) {
      const permanent = err instanceof UnrecoverableError;
      if (permanent || attempt >= attempts) {
        await recordJobFailure(opts.db, log, {
          jobName: job.name,
          jobId: job.id,
          payload: job.data,
          error: err,
          attempts: attempt,
          permanent,
        });
      }
      throw err;
    }
  }

  // Jobs go to Redis together: those enqueued while an add is on its way go in the next, one
  // pipelined write (addBulk). A busy API process enqueues a job per request, and a round trip
  // each was most of its Redis cost. Should a batch fail, each job is retried alone, so every
  // caller gets its own answer.
  type BulkJob = Parameters<Queue['addBulk']>[0][number];
  type QueuedJob = { job: BulkJob; resolve: () => void; reject: (err: unknown) => void };
  const addJob = createCoalescer<QueuedJob>(
    async (jobs) => {
      try {
        await queue.addBulk(jobs.map((j) => j.job));
        for (const j of jobs) j.resolve();
      } catch (err) {
        if (jobs.length === 1) return jobs[0]!.reject(err);
        await Promise.all(jobs.map((j) => queue.add(j.job.name, j.job.data, j.job.opts).then(j.resolve, j.reject)));
      }
    },
    (jobs, err) => jobs.forEach((j) => j.reject(err)),
  );

  const jobOptions = (def: JobDefinition, jobId: string | undefined, delay: number | undefined) => ({
    jobId: jobId?.replaceAll(':', '_'),
    delay,
    attempts: def.attempts ?? 5,
    backoff: { type: 'custom' },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 5000 },
  });
  const add = (job: BulkJob) => new Promise<void>((resolve, reject) => addJob({ job, resolve, reject }));
  // Payloads of a merging definition (conversions.process) travel together: one job per window.
  const merges = createMergeGate((name, data, jobId) => add({ name, data, opts: jobOptions(definitions[name]!, jobId, undefined) }));

  const runner: JobRunner = {
    kind: 'bullmq',
    async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, eopts?: EnqueueOptions) {
      const def = definitions[name];
      if (!def) throw new Error(`Unknown job ${name}`);
      def.payload.parse(payload);
      if (def.merge && !eopts?.delayMs) return await merges.add(def, payload, eopts?.jobId);
      await add({ name, data: payload, opts: jobOptions(def, eopts?.jobId, eopts?.delayMs) });
    },
    async startWorkers() {
      workerConnection = redisClient(opts.redisUrl);
      worker = new Worker(QUEUE_NAME, process, {
        connection: workerConnection,
        prefix: opts.prefix,
        concurrency: opts.concurrency,
        settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, backoffMs) },
      });
      worker.on('error', (err) => log.error({ err }, 'worker error'));
      for (const def of Object.values(definitions)) {
        const everyMs = scheduleIntervalMs(def, opts.config);
        if (!everyMs) continue;
        await queue.upsertJobScheduler(
          `schedule:${def.name}`,
          { every: everyMs },
          { name: def.name, data: {}, opts: { attempts: def.attempts ?? 5, backoff: { type: 'custom' } } },
        );
      }
    },
    async idle({ timeoutMs = 30_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Read before the counts: a payload still gathering then is not in them, but one sent before is.
        const gathering = merges.pending();
        const { delayed: delayedTotal = 0, ...counts } = await queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
        // A job scheduler (everyMs) always keeps its next run delayed; like the in-process
        // runner's timers, that is not work in hand. Delayed retries and delayMs jobs are.
        // Counted from the total: getDelayed() leaves out a job whose delay is over but which
        // no worker has picked up yet, and idle would return just before it runs.
        const schedulerRuns = (await queue.getDelayed()).filter((job) => job.repeatJobKey).length;
        const delayed = Math.max(0, delayedTotal - schedulerRuns);
        if (delayed === 0 && gathering === 0 && Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`jobs not idle after ${timeoutMs} ms: ${JSON.stringify({ ...counts, delayed })}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      // What was enqueued goes to Redis before the connections close.
      await merges.flush();
      // Worker.close() waits for running jobs to finish before resolving.
      await worker?.close();
      await queue.close();
      for (const c of [queueConnection, workerConnection]) {
        if (c && c.status !== 'end') await c.quit().catch(() => c.disconnect());
      }
    },
  };
  return runner;
}
