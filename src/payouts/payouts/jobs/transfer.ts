import { z } from 'zod';
import { systemActor } from '../../../core/auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { transferPayout } from '../transfer.js';

const ATTEMPTS = 5;

/**
 * One Stripe payout's transfer (transfer.ts). Network errors, 5xx and 429 retry with the runner's
 * backoff; once the attempts are spent the payout stays open with the reason on it, and the hourly
 * schedule (or an admin's resume) tries again. Stripe refusing for good fails it at once and
 * throws UnrecoverableError so the job is not retried.
 */
export const transferPayoutJob = defineJob({
  name: 'payouts.transfer',
  payload: z.object({ payoutId: z.string().min(1) }),
  attempts: ATTEMPTS,
  async handler(deps, { payoutId }, meta) {
    const ctx = { ...deps, actor: systemActor('payouts.transfer') };
    await transferPayout(ctx, payoutId, { config: deps.config, attempt: meta.attempt, maxAttempts: ATTEMPTS });
  },
});
