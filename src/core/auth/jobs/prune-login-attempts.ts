import { sql } from 'drizzle-orm';
import { queryRows } from '../../../../db/client.js';
import { z } from 'zod';
import { loginAttempts } from '../../../../db/schema/index.js';
import { defineJob } from '../../../jobs/types.js';

// Far longer than the brake window, so recent history stays around for investigating an attack.
const KEEP_MS = 24 * 60 * 60_000;

/** Deletes old login attempts so the table stays small; deleting twice is harmless. */
export const pruneLoginAttemptsJob = defineJob({
  name: 'auth.prune-login-attempts',
  payload: z.object({}).passthrough(),
  everyMs: 60 * 60_000,
  async handler(deps) {
    const cutoff = new Date(deps.clock().getTime() - KEEP_MS);
    const [row] = await queryRows<{ deleted: number }>(
      deps.db,
      sql`with d as (delete from ${loginAttempts} where ${loginAttempts.at} < ${cutoff.toISOString()}::timestamptz returning 1)
          select count(*)::int as deleted from d`,
    );
    if (row?.deleted) deps.logger.info({ deleted: row.deleted }, 'pruned login attempts');
  },
});
