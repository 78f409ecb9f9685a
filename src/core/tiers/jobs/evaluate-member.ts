import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { NotFoundError } from '../../../errors.js';
import { systemActor } from '../../auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { evaluateMemberTier } from '../evaluate.js';

/**
 * Upgrades one member if their metrics now reach a higher tier. Enqueued after points are earned
 * and orders recorded (see enqueueTierEvaluation); re-running it is harmless.
 */
export const evaluateMemberTierJob = defineJob({
  name: 'tiers.evaluate-member',
  payload: z.object({ programId: z.string().min(1), memberId: z.string().min(1) }),
  async handler(deps, payload) {
    try {
      const result = await evaluateMemberTier({ ...deps, actor: systemActor('tiers.evaluate-member') }, payload);
      if (result.upgraded) deps.logger.info(result, 'member upgraded');
    } catch (err) {
      // A member or program that does not exist will not appear on a retry.
      if (err instanceof NotFoundError) throw new UnrecoverableError(err.message);
      throw err;
    }
  },
});
