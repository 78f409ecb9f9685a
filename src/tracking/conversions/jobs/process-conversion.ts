import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { systemActor } from '../../../core/auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { MAX_BATCH } from '../process.js';
import { conversionBatcher } from './batcher.js';

/**
 * With the runner's backoff (1 s, 2 s, 4 s ...) the seventh retry comes over a minute after the
 * first try, when a click still missing can no longer be in anyone's buffer.
 */
const ATTEMPTS = 8;

const ConversionId = z.string().min(1);

/**
 * Processes conversions the merchant reported: one (`conversionId`, enqueued by the track call with
 * jobId = the conversion id), or several at once (`conversionIds`). Re-running it is harmless: a
 * processed conversion is left alone. A click id whose click is not stored yet makes it retry; the
 * last attempt gives up waiting and treats the click as unknown. Single conversions of jobs running
 * at the same time are processed together, in shared batches.
 */
export const processConversionJob = defineJob({
  name: 'conversions.process',
  payload: z.union([z.object({ conversionId: ConversionId }), z.object({ conversionIds: z.array(ConversionId).min(1).max(MAX_BATCH * 40) })]),
  attempts: ATTEMPTS,
  // A busy API process reports many conversions a second: one job per 25 ms carries them all to the
  // worker, which would otherwise pay BullMQ's cost per job (a few Redis round trips) for each. The
  // track call does not wait for the enqueue, so the window costs processing a little lag, not the API.
  merge: {
    max: MAX_BATCH,
    windowMs: 25,
    payloads: (payloads) => ({ conversionIds: payloads.flatMap((p) => ('conversionId' in p ? [p.conversionId] : p.conversionIds)) }),
  },
  async handler(deps, payload, meta) {
    const ctx = { ...deps, actor: systemActor('conversions.process') };
    const single = 'conversionId' in payload;
    const ids = single ? [payload.conversionId] : payload.conversionIds;
    const outcomes = await conversionBatcher(ctx).process(ids, meta.attempt < ATTEMPTS);
    let failure: unknown;
    for (const [conversionId, outcome] of outcomes) {
      if (outcome.status === 'not_found') {
        // A conversion that does not exist will not appear on a retry.
        if (single) throw new UnrecoverableError(`Conversion ${conversionId} not found`);
        deps.logger.warn({ conversionId }, 'conversion to process not found');
      } else if (outcome.status === 'retry') {
        deps.logger.debug({ conversionId, clickId: outcome.error.clickId, attempt: meta.attempt }, 'click not stored yet; retrying');
        failure ??= outcome.error;
      } else if (outcome.status === 'failed') {
        failure ??= outcome.error;
      }
    }
    // The whole job retries; the conversions it processed are skipped then.
    if (failure) throw failure;
  },
});
