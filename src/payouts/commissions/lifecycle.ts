import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { commissions } from '../../../db/schema/index.js';
import type { Clock } from '../../context.js';
import { appendLogEntries } from '../../transparency/entries/append.js';
import { commissionEntry } from '../../transparency/entries/commission.js';
import { tenantOfProgram } from '../../transparency/entries/program-tenant.js';

const BATCH = 1000;
const MAX_BATCHES = 50;

/**
 * Approves pending commissions whose hold period has passed. A sale's commission has no
 * hold_until until the sale is completed, so it is never approved before. Rows another worker is
 * approving are skipped, so several workers can run this at once; re-running finds nothing left.
 * Each batch is one transaction with its `commission.approved` log entries (one insert).
 * Returns how many were approved.
 */
export async function approveDueCommissions(deps: { db: Db; clock: Clock }): Promise<number> {
  let approved = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const now = deps.clock();
    const at = now.toISOString();
    const count = await deps.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const rows = await tx
        .update(commissions)
        .set({ status: 'approved', approvedAt: now, updatedAt: now })
        .where(
          sql`${commissions.id} in (
            select id from commissions
            where status = 'pending' and hold_until <= ${at}::timestamptz
            order by hold_until limit ${BATCH}
            for update skip locked)
          and ${commissions.status} = 'pending'`,
        )
        .returning();
      const entries = [];
      for (const row of rows.sort((a, b) => (a.id < b.id ? -1 : 1))) {
        entries.push(commissionEntry('approved', row, now, 'hold_period_over', await tenantOfProgram(tx, row.programId)));
      }
      await appendLogEntries({ db: tx, clock: () => now }, entries);
      return rows.length;
    });
    approved += count;
    if (count < BATCH) break;
  }
  return approved;
}
