import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobFailures } from '../../../db/schema/index.js';
import { createBullmqRunner } from '../../../src/jobs/bullmq.js';
import { createInProcessRunner } from '../../../src/jobs/in-process.js';
import { defineJob, type JobDefinition, type JobRunner } from '../../../src/jobs/types.js';
import { usingRedis } from '../../helpers/database.js';
import { createHarness, type Harness } from '../../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A runner of the kind this suite runs on (BullMQ with REDIS_URL), over test-only job definitions. */
function runnerFor(definitions: Record<string, JobDefinition>): JobRunner {
  const common = { db: h.db, logger: h.logger, clock: h.clock, secrets: h.secrets, concurrency: 4, backoffMs: 5, definitions };
  return usingRedis()
    ? createBullmqRunner({ ...common, redisUrl: process.env.REDIS_URL!, prefix: `trellis-jobtest-${randomBytes(4).toString('hex')}` })
    : createInProcessRunner(common);
}

describe(`job runner (${usingRedis() ? 'BullMQ' : 'in-process'})`, () => {
  it('runs a job with a validated payload', async () => {
    const seen: string[] = [];
    const runner = runnerFor({
      'test.echo': defineJob({ name: 'test.echo', payload: z.object({ word: z.string() }), handler: async (_d, p) => void seen.push(p.word) }),
    });
    await runner.startWorkers();
    await runner.enqueue('test.echo' as never, { word: 'hello' } as never);
    await runner.idle();
    expect(seen).toEqual(['hello']);
    await expect(runner.enqueue('test.echo' as never, { word: 42 } as never)).rejects.toThrow();
    await runner.close();
  });

  it('retries with backoff until the job succeeds', async () => {
    let calls = 0;
    const runner = runnerFor({
      'test.flaky': defineJob({
        name: 'test.flaky',
        payload: z.object({}),
        attempts: 5,
        handler: async () => {
          calls += 1;
          if (calls < 3) throw new Error('transient');
        },
      }),
    });
    await runner.startWorkers();
    await runner.enqueue('test.flaky' as never, {} as never);
    await runner.idle();
    expect(calls).toBe(3);
    await runner.close();
  });

  it('records a job that exhausts its attempts, and a permanent failure after one attempt', async () => {
    const name = `test.broken.${randomBytes(3).toString('hex')}`;
    const permanentName = `${name}.permanent`;
    let permanentCalls = 0;
    const runner = runnerFor({
      [name]: defineJob({ name, payload: z.object({ n: z.number() }), attempts: 3, handler: async () => { throw new Error('always broken'); } }),
      [permanentName]: defineJob({
        name: permanentName,
        payload: z.object({}),
        attempts: 5,
        handler: async () => {
          permanentCalls += 1;
          throw new UnrecoverableError('bad payload for good');
        },
      }),
    });
    await runner.startWorkers();
    await runner.enqueue(name as never, { n: 7 } as never);
    await runner.enqueue(permanentName as never, {} as never);
    await runner.idle();
    const [failure] = await h.db.select().from(jobFailures).where(eq(jobFailures.jobName, name));
    expect(failure).toMatchObject({ error: 'always broken', attempts: 3, permanent: false, payload: { n: 7 } });
    const [permanent] = await h.db.select().from(jobFailures).where(eq(jobFailures.jobName, permanentName));
    expect(permanent).toMatchObject({ attempts: 1, permanent: true });
    expect(permanentCalls).toBe(1);
    await runner.close();
  });

  it('lets running jobs finish when closed', async () => {
    let finished = false;
    const runner = runnerFor({
      'test.slow': defineJob({
        name: 'test.slow',
        payload: z.object({}),
        handler: async () => {
          await new Promise((r) => setTimeout(r, 300));
          finished = true;
        },
      }),
    });
    await runner.startWorkers();
    await runner.enqueue('test.slow' as never, {} as never);
    await new Promise((r) => setTimeout(r, 100));
    await runner.close();
    expect(finished).toBe(true);
  });
});

describe(`job ids (${usingRedis() ? 'BullMQ' : 'in-process'})`, () => {
  it('adds a job id once, also when it comes again after the first run finished', async () => {
    let runs = 0;
    const runner = runnerFor({
      'test.once': defineJob({ name: 'test.once', payload: z.object({}), handler: async () => void (runs += 1) }),
    });
    await runner.startWorkers();
    await runner.enqueue('test.once' as never, {} as never, { jobId: 'once:1' });
    await runner.enqueue('test.once' as never, {} as never, { jobId: 'once:1' });
    await runner.idle();
    await runner.enqueue('test.once' as never, {} as never, { jobId: 'once:1' });
    await runner.idle();
    expect(runs).toBe(1);
    await runner.enqueue('test.once' as never, {} as never, { jobId: 'once:2' });
    await runner.idle();
    expect(runs).toBe(2);
    await runner.close();
  });

  it('runs a scheduled job on every tick, not only the first', async () => {
    let runs = 0;
    const runner = runnerFor({
      'test.scheduled': defineJob({ name: 'test.scheduled', payload: z.object({}), everyMs: 50, handler: async () => void (runs += 1) }),
    });
    await runner.startWorkers();
    const deadline = Date.now() + 10_000;
    while (runs < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await runner.close();
    expect(runs).toBeGreaterThanOrEqual(3);
  });
});
