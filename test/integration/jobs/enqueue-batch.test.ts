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
 * Jobs enqueued at the same moment go to Redis in one pipelined write (bullmq.ts); each caller
 * still gets its own answer, and job ids still deduplicate.
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

describe(`enqueueing at the same moment (${usingRedis() ? 'BullMQ' : 'in-process'})`, () => {
  it('runs every job once, deduplicates by job id, and refuses a bad payload alone', async () => {
    const seen: number[] = [];
    const { runner, done } = await runnerFor({
      'test.count': defineJob({ name: 'test.count', payload: z.object({ n: z.number().int() }), handler: async (_d, p) => void seen.push(p.n) }),
    });
    try {
      await runner.startWorkers();
      const enqueue = (payload: unknown, jobId?: string) => runner.enqueue('test.count' as never, payload as never, jobId ? { jobId } : undefined);
      const answers = await Promise.allSettled([
        ...Array.from({ length: 30 }, (_, n) => enqueue({ n })),
        enqueue({ n: 100 }, 'once'),
        enqueue({ n: 100 }, 'once'),
        enqueue({ n: 'not a number' }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([...Array.from({ length: 32 }, () => 'fulfilled'), 'rejected']);
      await runner.idle();
      expect(seen.sort((a, b) => a - b)).toEqual([...Array.from({ length: 30 }, (_, n) => n), 100]);
    } finally {
      await done();
    }
  });
});
