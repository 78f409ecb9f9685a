import type { Db } from '../../../db/client.js';
import type { Logger } from '../../logger.js';
import type { ClickBuffer, ClickBufferStats, PendingClick } from '../types.js';
import { ChunkedQueue } from './queue.js';
import { writeClicks, type ClickWriteOutcome } from './writer.js';

export interface ClickBufferOptions {
  db: Db;
  logger: Logger;
  flushIntervalMs: number;
  batchSize: number;
  maxBuffered: number;
  waitForRoomMs: number;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
const CLOSE_DEADLINE_MS = 10_000;
const SHED_LOG_EVERY_MS = 10_000;

interface Waiter {
  click: PendingClick;
  resolve: () => void;
  timer: NodeJS.Timeout;
  done: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The click buffer between the redirect and the database. `add` is synchronous while there is
 * room; batches are written every `flushIntervalMs` or as soon as `batchSize` clicks wait, one
 * write at a time. A failed write leaves its clicks at the head and is retried with backoff, so
 * a database outage only fills the buffer; when it is full, redirects wait (FIFO) for room, and
 * one that waits past `waitForRoomMs` is answered without its click (shed, counted).
 */
export function createClickBuffer(opts: ClickBufferOptions): ClickBuffer & { start(): void } {
  const { db, flushIntervalMs, batchSize, maxBuffered, waitForRoomMs } = opts;
  const log = opts.logger.child({ component: 'click-buffer' });
  const queue = new ChunkedQueue<PendingClick>();
  const waiters = new ChunkedQueue<Waiter>();
  // Flushing at the size limit: a full batch, or a full buffer if that is smaller.
  const flushAt = Math.max(1, Math.min(batchSize, maxBuffered));
  let liveWaiters = 0;
  let written = 0;
  let shed = 0;
  let failedFlushes = 0;
  let lastFlushError: string | null = null;
  let failureStreak = 0;
  /** Stream position (queue.removedTotal) below which clicks have been in a failed write. */
  let triedUpTo = 0;
  let retryDelay = RETRY_MIN_MS;
  let retryAt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let interval: NodeJS.Timeout | undefined;
  let draining = false;
  let closing = false;
  let closed = false;
  let closeOnce: Promise<void> | undefined;
  let shedSinceLog = 0;
  let lastShedLog = 0;
  // One write at a time: each write chains onto the previous one.
  let chain: Promise<unknown> = Promise.resolve();

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn);
    chain = run.catch(() => {});
    return run;
  }

  function countShed(n: number) {
    shed += n;
    shedSinceLog += n;
    const now = Date.now();
    if (now - lastShedLog >= SHED_LOG_EVERY_MS) {
      log.warn({ shed: shedSinceLog, buffered: queue.size, waiting: liveWaiters, closed }, 'click buffer full: redirects answered without recording their click');
      lastShedLog = now;
      shedSinceLog = 0;
    }
  }

  function admitWaiters() {
    while (liveWaiters > 0 && queue.size < maxBuffered) {
      const waiter = waiters.shift()!;
      if (waiter.done) continue;
      waiter.done = true;
      liveWaiters--;
      clearTimeout(waiter.timer);
      queue.push(waiter.click);
      waiter.resolve();
    }
    // Timed-out waiters still sit in the queue until they reach its head; drop them once no one waits.
    if (liveWaiters === 0 && waiters.size > 0) waiters.drop(waiters.size);
  }

  function recordSuccess(outcome: ClickWriteOutcome, taken: number) {
    queue.drop(taken);
    written += outcome.written;
    if (failureStreak > 0) log.info({ failedFlushes: failureStreak, buffered: queue.size }, 'click writes recovered');
    failureStreak = 0;
    retryDelay = RETRY_MIN_MS;
    retryAt = 0;
    admitWaiters();
  }

  function recordFailure(err: unknown) {
    failedFlushes++;
    failureStreak++;
    lastFlushError = err instanceof Error ? err.message : String(err);
    // One line per outage, not one per retry.
    if (failureStreak === 1) log.error({ err, buffered: queue.size }, 'click write failed; clicks stay buffered and are retried');
    if (closing) return; // close() runs its own retries against its deadline
    retryAt = Date.now() + retryDelay;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => drain(true), retryDelay);
    retryTimer.unref();
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  /** Writes the next batch from the head. Throws (clicks kept, in order) when the database refuses. */
  async function writeNextBatch(): Promise<void> {
    const batch = queue.peek(batchSize);
    if (!batch.length) return;
    const start = queue.removedTotal;
    let outcome: ClickWriteOutcome;
    try {
      // Clicks of a failed write may have been committed all the same (the acknowledgement lost).
      outcome = await writeClicks(db, batch, log, { mayBeStored: start < triedUpTo });
    } catch (err) {
      triedUpTo = Math.max(triedUpTo, start + batch.length);
      recordFailure(err);
      throw err;
    }
    recordSuccess(outcome, batch.length);
  }

  /**
   * Background writing: the next batch, then more while full batches are waiting. During a retry
   * backoff only the retry timer (`afterBackoff`) or an explicit flush writes.
   */
  function drain(afterBackoff = false) {
    if (draining || queue.size === 0 || (!afterBackoff && Date.now() < retryAt)) return;
    draining = true;
    exclusive(async () => {
      do await writeNextBatch();
      while (queue.size >= flushAt);
    })
      .catch(() => {}) // recorded and rescheduled by recordFailure
      .finally(() => {
        draining = false;
        // Clicks that arrived during the write may already make a full batch.
        if (queue.size >= flushAt && !closed) drain();
      });
  }

  function waitForRoom(click: PendingClick): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        click,
        resolve,
        done: false,
        timer: setTimeout(() => {
          if (waiter.done) return;
          waiter.done = true;
          liveWaiters--;
          countShed(1);
          resolve();
        }, waitForRoomMs),
      };
      waiter.timer.unref();
      waiters.push(waiter);
      liveWaiters++;
    });
  }

  /** Writes every click buffered when called (and any that were waiting for room). */
  async function flushAll(): Promise<void> {
    const target = queue.pushedTotal + liveWaiters;
    while (queue.removedTotal < target && (queue.size > 0 || liveWaiters > 0)) {
      await exclusive(writeNextBatch);
    }
  }

  /** Writes everything, retrying until done or the deadline; then reports exactly what was lost. */
  async function closeBuffer(deadlineMs: number): Promise<void> {
    closing = true;
    clearInterval(interval);
    clearTimeout(retryTimer);
    const deadline = Date.now() + deadlineMs;
    let delay = RETRY_MIN_MS;
    while (queue.size > 0 || liveWaiters > 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const deadlinePassed = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), left)));
      // A write hanging on a dead connection must not hold shutdown past the deadline.
      const ok = await Promise.race([flushAll().then(() => true, () => false), deadlinePassed]);
      clearTimeout(timer);
      if (ok) continue;
      if (deadline - Date.now() <= delay) break;
      await sleep(delay);
      delay = Math.min(delay * 2, 1_000);
    }
    closed = true;
    const unwritten = queue.size;
    // Redirects still waiting for room are answered now; their clicks were never buffered.
    let waitersLost = 0;
    for (let w = waiters.shift(); w; w = waiters.shift()) {
      if (w.done) continue;
      w.done = true;
      clearTimeout(w.timer);
      waitersLost++;
      w.resolve();
    }
    liveWaiters = 0;
    shed += waitersLost;
    const lost = unwritten + waitersLost;
    if (lost > 0) log.error({ lost, unwritten, waitersLost, lastFlushError, deadlineMs }, `click buffer closed with ${lost} clicks unwritten; they are lost`);
    else log.info({ written }, 'click buffer closed; every click written');
  }

  return {
    add(click) {
      if (closed) {
        // The server stops taking requests before closing the buffer; a straggler is counted, never thrown.
        countShed(1);
        return;
      }
      if (liveWaiters > 0 || queue.size >= maxBuffered) {
        drain();
        return waitForRoom(click);
      }
      queue.push(click);
      if (queue.size >= flushAt) drain();
    },

    flush: flushAll,

    close(deadlineMs = CLOSE_DEADLINE_MS) {
      closeOnce ??= closeBuffer(deadlineMs);
      return closeOnce;
    },

    start() {
      if (interval || closing) return;
      interval = setInterval(() => drain(), flushIntervalMs);
      interval.unref();
    },

    stats(): ClickBufferStats {
      return { buffered: queue.size, waiting: liveWaiters, written, shed, failedFlushes, lastFlushError };
    },
  };
}
