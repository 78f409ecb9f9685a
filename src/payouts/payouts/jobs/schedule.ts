import { z } from 'zod';
import { systemActor } from '../../../core/auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { tickPayoutSchedule } from '../schedule.js';

/** Hourly: the monthly runs that are due, and whatever a crash left unsettled (schedule.ts). */
export const payoutScheduleJob = defineJob({
  name: 'payouts.schedule',
  payload: z.object({}).passthrough(),
  everyMs: 60 * 60_000,
  attempts: 3,
  async handler(deps) {
    const result = await tickPayoutSchedule({ ...deps, actor: systemActor('payouts.schedule') }, deps.config);
    if (result.started.length || result.resumedRuns.length || result.resumedPayouts.length) deps.logger.info(result, 'payout schedule');
  },
});
