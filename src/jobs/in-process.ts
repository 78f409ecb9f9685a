import { UnrecoverableError } from 'bullmq';
import type { Db } from '../../db/client.js';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import type { Secrets } from '../secrets/index.js';
import { backoffDelay, recordJobFailure } from './failures.js';
import { jobMap } from './registry.js';
import type { EnqueueOptions, JobConfig, JobDefinition, JobName, JobPayload, JobRunner } from './types.js';
import { scheduleIntervalMs } from './types.js';

interface QueuedJob {
  id: string;
  name: string;
  payload: unknown;
  attempt: number;
  runAt: number;
}

export interface InProcessRunnerOptions {
  db: Db;
  logger: Logger;
  clock: Clock;
  secrets: Secrets;
  concurrency: number;
  /** Base of the exponential retry backoff; tests shorten it. */
  backoffMs?: number;
  definitions?: Record<string, JobDefinition>;
  config?: JobConfig;
}

/**
 * Runs jobs inside this process, for the embedded single-machine setup (no REDIS_URL). Same
 * handlers, payload validation, retries with backoff and failure records as the BullMQ runner.
 * Jobs waiting here are lost if the process crashes; every handler is written to be re-runnable
 * and scheduled sweeps pick up whatever a lost job left behind.
 */
export function createInProcessRunner(opts: InProcessRunnerOptions): JobRunner {
  const definitions: Record<string, JobDefinition> = opts.definitions ?? jobMap;
  const backoffMs = opts.backoffMs ?? 1000;
  const queue: QueuedJob[] = [];
  const running = new Set<Promise<void>>();
  const runningIds = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const idleWaiters = new Set<() => void>();
  // Ids of recently finished jobs, like BullMQ's kept completed jobs: the same jobId enqueued
  // again soon after is a duplicate there, so it is one here too.
  const finishedIds = new Set<string>();
  const FINISHED_IDS_KEPT = 1000;
  let started = false;
  let closing = false;
  let seq = 0;

  const log = opts.logger.child({ component: 'jobs', runner: 'in-process' });

  function isIdle() {
    return queue.length === 0 && running.size === 0;
  }
  function notifyIdle() {
    if (!isIdle()) return;
    for (const w of idleWaiters) w();
    idleWaiters.clear();
  }

  function rememberFinished(id: string) {
    finishedIds.add(id);
    if (finishedIds.size > FINISHED_IDS_KEPT) finishedIds.delete(finishedIds.values().next().value!);
  }

  function schedulePump(delay: number) {
    const t = setTimeout(() => {
      timers.delete(t);
      pump();
    }, Math.max(0, delay));
    timers.add(t);
  }

  function pump() {
    if (!started || closing) return;
    const now = Date.now();
    queue.sort((a, b) => a.runAt - b.runAt);
    while (running.size < opts.concurrency) {
      const idx = queue.findIndex((j) => j.runAt <= now);
      if (idx === -1) break;
      const [job] = queue.splice(idx, 1);
      runningIds.add(job!.id);
      const p = run(job!).finally(() => {
        running.delete(p);
        runningIds.delete(job!.id);
        rememberFinished(job!.id);
        pump();
        notifyIdle();
      });
      running.add(p);
    }
    const next = queue[0];
    if (next && next.runAt > now) schedulePump(next.runAt - now);
  }

  async function run(job: QueuedJob): Promise<void> {
    const def = definitions[job.name]!;
    const attempts = def.attempts ?? 5;
    try {
      const payload = def.payload.parse(job.payload);
      await def.handler(
        { db: opts.db, logger: log.child({ job: job.name, jobId: job.id }), clock: opts.clock, jobs: runner, secrets: opts.secrets, config: opts.config },
        payload,
        { id: job.id, attempt: job.attempt },
      );
    } catch (err) {
      const permanent = err instanceof UnrecoverableError;
      if (!permanent && job.attempt < attempts && !closing) {
        log.warn({ err, job: job.name, attempt: job.attempt }, 'job failed; will retry');
        queue.push({ ...job, attempt: job.attempt + 1, runAt: Date.now() + backoffDelay(job.attempt, backoffMs) });
        return;
      }
      await recordJobFailure(opts.db, log, {
        jobName: job.name,
        jobId: job.id,
        payload: job.payload,
        error: err,
        attempts: job.attempt,
        permanent,
      });
    }
  }

  const runner: JobRunner = {
    kind: 'in-process',
    async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, eopts?: EnqueueOptions) {
      const def = definitions[name];
      if (!def) throw new Error(`Unknown job ${name}`);
      def.payload.parse(payload); // fail fast, in the caller, on a malformed payload
      if (closing) throw new Error('The job runner is shutting down.');
      const id = eopts?.jobId ?? `${name}:${++seq}`;
      if (eopts?.jobId && (finishedIds.has(id) || queue.some((j) => j.id === id) || runningIds.has(id))) return;
      queue.push({ id, name, payload, attempt: 1, runAt: Date.now() + (eopts?.delayMs ?? 0) });
      if (started) queueMicrotask(pump);
    },
    async startWorkers() {
      started = true;
      for (const def of Object.values(definitions)) {
        const everyMs = scheduleIntervalMs(def, opts.config);
        if (!everyMs) continue;
        // One run at a time, as with BullMQ's scheduler: a tick is skipped while the previous run
        // waits or runs. Each run gets its own id: a fixed one would sit among the finished ids
        // and silence every later tick.
        let tick = 0;
        const t = setInterval(() => {
          if (queue.some((j) => j.name === def.name) || [...runningIds].some((id) => id.startsWith(`schedule:${def.name}:`))) return;
          void runner.enqueue(def.name as JobName, {} as never, { jobId: `schedule:${def.name}:${++tick}` }).catch(() => {});
        }, everyMs);
        t.unref();
        timers.add(t);
      }
      pump();
    },
    async idle({ timeoutMs = 30_000 } = {}) {
      if (isIdle()) return;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          idleWaiters.delete(done);
          reject(new Error(`jobs not idle after ${timeoutMs} ms (${queue.length} queued, ${running.size} running)`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(t);
          resolve();
        };
        idleWaiters.add(done);
        if (!started) pump();
      });
    },
    async close() {
      closing = true;
      for (const t of timers) {
        clearTimeout(t);
        clearInterval(t);
      }
      timers.clear();
      await Promise.allSettled([...running]);
      if (queue.length) log.warn({ dropped: queue.length }, 'jobs still queued at shutdown');
    },
  };
  return runner;
}
