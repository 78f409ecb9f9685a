import { z } from 'zod';
import { defineJob } from '../../../jobs/types.js';
import { approveDueCommissions } from '../lifecycle.js';

/** Every minute: pending commissions past their hold period become approved (lifecycle.ts). */
export const approveDueCommissionsJob = defineJob({
  name: 'commissions.approve-due',
  payload: z.object({}).passthrough(),
  everyMs: 60_000,
  attempts: 3,
  async handler(deps) {
    const approved = await approveDueCommissions(deps);
    if (approved > 0) deps.logger.debug({ approved }, 'approved due commissions');
  },
});
