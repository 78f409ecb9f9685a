import { z } from 'zod';
import { systemActor } from '../../auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { reviewAllPrograms } from '../review.js';

/** Hourly: ends expired paid tiers and, where programs enable it, applies due downgrades (review.ts). */
export const evaluateDowngradesJob = defineJob({
  name: 'tiers.evaluate-downgrades',
  payload: z.object({}),
  everyMs: 60 * 60 * 1000,
  attempts: 3,
  async handler(deps) {
    await reviewAllPrograms({ ...deps, actor: systemActor('tiers.evaluate-downgrades') });
  },
});
