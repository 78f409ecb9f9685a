import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

// Any constant, the same in every process sharing a database (migrations use 7_372_001, the seed 7_372_002).
const AT_REST_LOCK_KEY = 7_372_003;

/** Rows one batch of a data migration reads and writes at most. */
export const AT_REST_BATCH = 500;

/**
 * Runs `batch` in transactions holding one advisory lock until a batch returns fewer than
 * AT_REST_BATCH rows. Processes booting together take turns: each batch reads what is left
 * after the previous one committed, so no row is ever changed twice, and a crash leaves only whole
 * batches done (the next boot goes on from there). Returns the rows all batches handled.
 */
export async function inLockedBatches(db: Db, batch: (tx: Db) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${AT_REST_LOCK_KEY})`);
      return await batch(tx as unknown as Db);
    });
    total += handled;
    if (handled < AT_REST_BATCH) return total;
  }
}
