import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Config } from '../config.js';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import type { Secrets } from '../secrets/index.js';
import type { JobMap } from './registry.js';

export type JobName = keyof JobMap & string;
export type JobPayload<N extends JobName> = z.input<JobMap[N]['payload']>;

export interface EnqueueOptions {
  /**
   * Deduplication: a job with the same id that is waiting, running or recently finished (the last
   * 1,000, as BullMQ keeps them) is not added again. Ids that must run again need a new part,
   * such as a time bucket.
   */
  jobId?: string;
  delayMs?: number;
}

/** The typed door to background work. Same interface in-process and on BullMQ. */
export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<void>;
}

/** What a job handler gets: no actor (jobs act as the system), the database and a way to chain jobs. */
export interface JobDeps {
  db: Db;
  logger: Logger;
  clock: Clock;
  jobs: JobQueue;
  secrets: Secrets;
  /** Settings jobs read (retention); absent where a runner is built without them, so jobs default. */
  config?: JobConfig;
}

export type JobConfig = Partial<
  Pick<Config, 'CLICK_RETENTION_MONTHS' | 'TRANSPARENCY_ORIGIN' | 'TRANSPARENCY_WITNESSES' | 'TRANSPARENCY_SEQUENCE_INTERVAL_MS' | 'STRIPE_SECRET_KEY' | 'STRIPE_API_BASE'>
>;

export interface JobMeta {
  id: string;
  attempt: number;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  payload: S;
  // A method signature (not a property) so the map can hold handlers of different payload types.
  handler(deps: JobDeps, payload: z.output<S>, meta: JobMeta): Promise<void>;
  /** Runs on a schedule (every N ms, or as configured) with an empty payload, in one worker at a time. */
  everyMs?: number | ((config: JobConfig) => number);
  /** Attempts before the failure is recorded; default 5. */
  attempts?: number;
  /**
   * Payloads of this job enqueued close together travel as one job (a queued job has a cost of
   * its own; see merge-gate.ts): `payloads` joins up to `max` of them, and a busy process sends at
   * most one such job per `windowMs`. Only for handlers that treat each item of a joined payload on
   * its own and idempotently: the items' job ids no longer dedupe.
   */
  merge?: { max: number; windowMs: number; payloads(payloads: z.input<S>[]): z.input<S> };
}

export function defineJob<S extends z.ZodType>(def: JobDefinition<S>): JobDefinition<S> {
  return def;
}

/** A scheduled job's interval under this configuration; undefined for jobs that only run when enqueued. */
export function scheduleIntervalMs(def: Pick<JobDefinition, 'everyMs'>, config: JobConfig = {}): number | undefined {
  return typeof def.everyMs === 'function' ? def.everyMs(config) : def.everyMs;
}

/** A queue that also processes: start consuming, wait for quiet (tests), and drain on shutdown. */
export interface JobRunner extends JobQueue {
  readonly kind: 'in-process' | 'bullmq';
  /** Start processing jobs and scheduling repeat jobs. An API-only process never calls this. */
  startWorkers(): Promise<void>;
  /** Resolves when nothing is waiting, delayed (within `maxDelayMs`) or running. */
  idle(opts?: { timeoutMs?: number }): Promise<void>;
  /** Stop taking jobs, let running ones finish, release connections. */
  close(): Promise<void>;
}
