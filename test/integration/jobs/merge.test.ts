import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createBullmqRunner } from '../../../src/jobs/bullmq.js';
import { createInProcessRunner } from '../../../src/jobs/in-process.js';
import { defineJob, type JobDefinition, type JobRunner } from '../../../src/jobs/types.js';
import { createLogger } from '../../../src/logger.js';
import { systemClock } from '../../../src/context.js';
import { createTestDatabase, usingRedis } from '../../helpers/database.js';
import { testSecrets } from '../../helpers/secrets.js';

/**
 * A job definition with `merge` (conversions.process): payloads enqueued at the same moment travel
 * to the worker as one BullMQ job, so the per-job cost is paid once for all of them. The in-process
 * runner has no such cost and runs each as enqueued.
 */
const logger = createLogger('silent');

async function runnerFor(definitions: Record<string, JobDefinition>): Promise<{ runner: JobRunner; done: () => Promise<void> }> {
  const database = await createTestDatabase({ poolSize: 2 });
  const common = { db: database.db, logger, clock: systemClock, secrets: testSecrets(), concurrency: 4, backoffMs: 5, definitions };
  const runner = usingRedis()
    ? createBullmqRunner({ ...common, redisUrl: process.env.REDIS_URL!, prefix: `trellis-jobtest-${randomBytes(4).toString('hex')}` })
    : createInProcessRunner(common);
  return { runner, done: async () => (await runner.close(), await database.drop()) };
}

const Items = z.union([z.object({ item: z.number().int() }), z.object({ items: z.array(z.number().int()) })]);

describe(`merging payloads enqueued together (${usingRedis() ? 'BullMQ' : 'in-process'})`, () => {
  it('runs every item once, in fewer jobs on BullMQ, at most `max` items a job', async () => {
    const jobs: number[][] = [];
    const { runner, done } = await runnerFor({
      'test.items': defineJob({
        name: 'test.items',
        payload: Items,
        merge: { max: 8, windowMs: 20, payloads: (payloads) => ({ items: payloads.flatMap((p) => ('item' in p ? [p.item] : p.items)) }) },
        handler: async (_d, p) => void jobs.push('item' in p ? [p.item] : p.items),
      }),
    });
    try {
      await runner.startWorkers();
      await Promise.all(Array.from({ length: 20 }, (_, item) => runner.enqueue('test.items' as never, { item } as never, { jobId: `item-${item}` })));
      await runner.idle();
      expect(jobs.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n));
      expect(Math.max(...jobs.map((j) => j.length))).toBeLessThanOrEqual(8);
      if (usingRedis()) expect(jobs.length).toBeLessThan(20);
      else expect(jobs.length).toBe(20);

      // Alone, a payload keeps its job id (which still deduplicates); a delayed one is never merged.
      jobs.length = 0;
      await runner.enqueue('test.items' as never, { item: 100 } as never, { jobId: 'alone' });
      await runner.idle();
      await runner.enqueue('test.items' as never, { item: 100 } as never, { jobId: 'alone' });
      await Promise.all([runner.enqueue('test.items' as never, { item: 200 } as never, { delayMs: 30 }), runner.enqueue('test.items' as never, { item: 201 } as never, { delayMs: 30 })]);
      await runner.idle();
      expect(jobs.sort((a, b) => a[0]! - b[0]!)).toEqual([[100], [200], [201]]);
    } finally {
      await done();
    }
  });
});
