import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import type { Clock } from '../../context.js';

const BATCH = 1000;
const MAX_BATCHES = 50;

/**
 * Approves pending commissions whose hold period has passed. A sale's commission has no
 * hold_until until the sale is completed, so it is never approved before. Rows another worker is
 * approving are skipped, so several workers can run this at once; re-running finds nothing left.
 * Returns how many were approved.
 */
export async function approveDueCommissions(deps: { db: Db; clock: Clock }): Promise<number> {
  let approved = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = deps.clock().toISOString();
    const rows = await queryRows<{ id: string }>(
      deps.db,
      sql`update commissions set status = 'approved', approved_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
          where id in (
            select id from commissions
            where status = 'pending' and hold_until <= ${now}::timestamptz
            order by hold_until limit ${BATCH}
            for update skip locked)
          and status = 'pending'
          returning id`,
    );
    approved += rows.length;
    if (rows.length < BATCH) break;
  }
  return approved;
}
