import type { Db } from '../db/client.js';
import type { ChangeEvent, ChangeFeed } from './change-feed.js';
import type { Actor } from './core/auth/actor.js';
import type { JobQueue } from './jobs/types.js';
import type { Logger } from './logger.js';
import type { Secrets } from './secrets/index.js';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/**
 * What every domain service receives: where to read and write (the database, or the caller's
 * transaction), who is acting, how to log, what time it is and how to enqueue follow-up work.
 */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  logger: Logger;
  clock: Clock;
  jobs: JobQueue;
  /** Seals and opens secrets stored in the database; the tenants' keys. One per process. */
  secrets: Secrets;
  requestId?: string;
  /** Where to announce changes other processes cache (links, program settings); absent in CLIs. */
  changes?: ChangeFeed;
  /** Set inside withTransaction: callbacks to run once the outermost transaction has committed. */
  afterCommit?: (fn: () => void | Promise<void>) => void;
}

/**
 * Runs `fn` in a transaction, joining the caller's if there is one. Work registered with
 * `ctx.afterCommit` (typically enqueueing jobs) runs only after the outermost commit, so a job
 * never sees data that was rolled back.
 */
export async function withTransaction<T>(ctx: ServiceContext, fn: (tx: ServiceContext) => Promise<T>): Promise<T> {
  if (ctx.afterCommit) return await fn(ctx);
  const pending: (() => void | Promise<void>)[] = [];
  const result = await ctx.db.transaction(async (tx) => {
    return await fn({ ...ctx, db: tx as unknown as Db, afterCommit: (cb) => pending.push(cb) });
  });
  for (const cb of pending) {
    try {
      await cb();
    } catch (err) {
      ctx.logger.error({ err }, 'after-commit callback failed');
    }
  }
  return result;
}

/** Enqueues a job once the surrounding transaction commits (at once when there is none). */
export async function enqueueAfterCommit(
  ctx: ServiceContext,
  ...args: Parameters<JobQueue['enqueue']>
): Promise<void> {
  if (ctx.afterCommit) {
    ctx.afterCommit(async () => {
      await ctx.jobs.enqueue(...args);
    });
    return;
  }
  await ctx.jobs.enqueue(...args);
}

/**
 * Announces a change to every process once the surrounding transaction commits, so no cache ever
 * drops an entry and reloads the old row before the new one is visible.
 */
export function publishAfterCommit(ctx: ServiceContext, event: ChangeEvent): void {
  const feed = ctx.changes;
  if (!feed) return;
  if (ctx.afterCommit) ctx.afterCommit(() => feed.publish(event));
  else void feed.publish(event);
}
