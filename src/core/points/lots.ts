import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';

/** Lot reads for the write path; callers hold the member's account lock already. */

export interface LockedLot {
  id: string;
  remaining: number;
  state: 'pending' | 'available' | 'closed';
  expiresAt: Date | null;
}

type RawLot = { id: string; remaining: unknown; state: LockedLot['state']; expires_at: unknown };

const toLot = (r: RawLot): LockedLot => ({
  id: r.id,
  remaining: Number(r.remaining),
  state: r.state,
  expiresAt: r.expires_at === null || r.expires_at === undefined ? null : new Date(r.expires_at as string | Date),
});

/**
 * The available, unexpired lots that cover `points`, in spend order (soonest expiry first,
 * never-expiring last, then oldest), locked. Only the lots needed are returned and locked; when
 * they sum to less than `points`, that is everything the member can spend. The same function
 * (`points_spendable_lots`) picks the lots a redemption draws from.
 */
export async function lockSpendableLots(db: Db, memberId: string, points: number, now: Date, excludeLotId?: string): Promise<LockedLot[]> {
  const rows = await queryRows<RawLot>(
    db,
    sql`select id, remaining, state, expires_at
        from points_spendable_lots(${memberId}, ${points}::int8, ${now.toISOString()}::timestamptz, ${excludeLotId ?? null}::text)`,
  );
  return rows.map(toLot);
}

/** The lot an earn (or positive adjustment) opened, locked. */
export async function lockLotOfEntry(db: Db, entryId: string): Promise<LockedLot | undefined> {
  const [row] = await queryRows<RawLot>(db, sql`select id, remaining, state, expires_at from points_lots where entry_id = ${entryId} for update`);
  return row ? toLot(row) : undefined;
}

/** What a redeem (or negative adjustment) drew, lot by lot, with the lots locked in spend order. */
export async function lockAllocationsOf(db: Db, entryId: string): Promise<(LockedLot & { allocated: number })[]> {
  const rows = await queryRows<RawLot & { allocated: unknown }>(
    db,
    sql`select l.id, l.remaining, l.state, l.expires_at, a.amount as allocated
        from points_allocations a join points_lots l on l.id = a.lot_id
        where a.entry_id = ${entryId}
        order by l.expires_at asc nulls last, l.id
        for update of l`,
  );
  return rows.map((r) => ({ ...toLot(r), allocated: Number(r.allocated) }));
}

/** Points already taken back from an earn by earlier reversals (what was drawn plus any shortfall). */
export async function claimedFromEarn(db: Db, earnEntryId: string): Promise<number> {
  const [row] = await queryRows<{ claimed: unknown }>(
    db,
    sql`select coalesce(sum(shortfall - amount), 0) as claimed from points_entries where reverses_entry_id = ${earnEntryId} and kind = 'reverse'`,
  );
  return Number(row?.claimed ?? 0);
}
