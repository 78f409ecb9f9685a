import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../../db/client.js';
import { defineJob } from '../../../jobs/types.js';
import { lockAccount } from '../ledger.js';

const BATCH = 500;
const MAX_BATCHES = 20;

/**
 * Makes pending lots whose `available_at` has passed spendable, member by member: under the
 * member's account lock, the lots flip to `available` and the account moves the same sum from
 * pending to available. Re-running finds nothing left to do, so it is idempotent and safe to run
 * in several workers at once.
 */
export const releasePendingPointsJob = defineJob({
  name: 'points.release-pending',
  payload: z.object({}).passthrough(),
  everyMs: 60_000,
  async handler(deps) {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const now = deps.clock().toISOString();
      const due = await queryRows<{ member_id: string; program_id: string }>(
        deps.db,
        sql`select distinct member_id, program_id from (
              select member_id, program_id from points_lots
              where state = 'pending' and available_at <= ${now}::timestamptz
              order by available_at limit ${BATCH}) d`,
      );
      for (const { member_id: memberId, program_id: programId } of due) {
        await deps.db.transaction(async (tx) => {
          await lockAccount(tx, programId, memberId);
          await tx.execute(sql`
            with released as (
              update points_lots set state = 'available', updated_at = ${now}::timestamptz
              where member_id = ${memberId} and state = 'pending' and available_at <= ${now}::timestamptz
              returning remaining)
            update points_accounts
            set pending = pending - (select coalesce(sum(remaining), 0) from released),
                available = available + (select coalesce(sum(remaining), 0) from released),
                updated_at = ${now}::timestamptz
            where member_id = ${memberId}`);
        });
      }
      if (due.length === 0) return;
      deps.logger.debug({ members: due.length }, 'released pending points');
    }
  },
});
