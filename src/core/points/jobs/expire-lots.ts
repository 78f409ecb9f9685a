import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '../../../../db/client.js';
import { systemActor } from '../../auth/actor.js';
import { defineJob } from '../../../jobs/types.js';
import { applyEntry, lockAccount } from '../ledger.js';
import { lockLotOfEntry } from '../lots.js';
import { requestHash } from '../views.js';

const BATCH = 500;
const MAX_BATCHES = 20;
const actor = systemActor('points.expire-lots');

/** The idempotency key of a lot's expiry: a lot expires at most once, whoever runs the job. */
export const lotExpiryKey = (lotId: string) => `expire:${lotId}`;

async function expireLot(db: Db, lot: { id: string; member_id: string; program_id: string; entry_id: string }, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await lockAccount(tx, lot.program_id, lot.member_id);
    const current = await lockLotOfEntry(tx, lot.entry_id);
    // Re-checked under the lock: a redemption may have emptied it since we listed it.
    if (!current || current.state === 'closed' || current.remaining === 0 || !current.expiresAt || current.expiresAt > now) return;
    await applyEntry(tx, actor, now, {
      programId: lot.program_id,
      memberId: lot.member_id,
      kind: 'expire',
      amount: -current.remaining,
      idempotencyKey: lotExpiryKey(lot.id),
      requestHash: requestHash({ op: 'expire', lotId: lot.id }),
      reason: 'expired',
      lotChanges: [{ lotId: lot.id, delta: -current.remaining }],
      account: {
        available: current.state === 'available' ? -current.remaining : 0,
        pending: current.state === 'pending' ? -current.remaining : 0,
        lifetimeEarned: 0,
      },
    });
  });
}

/**
 * Expires lots whose `expires_at` has passed: each gets an `expire` entry for what is left of it.
 * Each lot is its own small transaction under its member's account lock, so a big backlog across
 * many programs never holds locks for long, and concurrent runs cannot expire a lot twice.
 */
export const expirePointsLotsJob = defineJob({
  name: 'points.expire-lots',
  payload: z.object({}).passthrough(),
  everyMs: 60_000,
  async handler(deps) {
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const now = deps.clock();
      const due = await queryRows<{ id: string; member_id: string; program_id: string; entry_id: string }>(
        deps.db,
        sql`select id, member_id, program_id, entry_id from points_lots
            where state <> 'closed' and remaining > 0 and expires_at <= ${now.toISOString()}::timestamptz
            order by expires_at limit ${BATCH}`,
      );
      for (const lot of due) await expireLot(deps.db, lot, now);
      if (due.length < BATCH) return;
    }
  },
});
