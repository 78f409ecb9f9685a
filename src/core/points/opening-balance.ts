import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { newId } from '../../../db/ids.js';
import { addMonths } from './calculations.js';
import type { PointsSettings } from './settings.js';

export interface OpeningBalance {
  memberId: string;
  points: number;
}

/** The deterministic key that makes an opening balance happen once per member, however often a file is imported. */
export const openingBalanceKey = (memberId: string) => `import-opening:${memberId}`;

/**
 * Credits opening balances (members moving from another platform) for a whole batch in one
 * statement: a positive `adjust` entry, its one lot and the account, for members whose ledger is
 * still empty. A member with any ledger entry is skipped: the ledger, not the file, is the truth
 * once points have moved. Adjustments do not count as earned, so a migration does not qualify
 * anyone for a tier; the file's tier column says which tier they hold.
 * Returns the members that were credited. Call inside the caller's transaction.
 */
export async function creditOpeningBalances(
  db: Db,
  input: { programId: string; balances: OpeningBalance[]; settings: Pick<PointsSettings, 'expiryMonths'>; now: Date; actorType: string; actorId: string | null },
): Promise<string[]> {
  const balances = input.balances.filter((b) => b.points > 0);
  if (!balances.length) return [];
  const now = input.now;
  const expiresAt = input.settings.expiryMonths === null ? null : addMonths(now, input.settings.expiryMonths).toISOString();
  const rows = balances.map((b) => ({
    entry_id: newId('pte'),
    lot_id: newId('ptl'),
    member_id: b.memberId,
    amount: b.points,
    idempotency_key: openingBalanceKey(b.memberId),
    request_hash: createHash('sha256').update(JSON.stringify({ kind: 'opening_balance', memberId: b.memberId, points: b.points })).digest('hex'),
  }));
  const credited = await queryRows<{ member_id: string }>(
    db,
    sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as r(entry_id text, lot_id text, member_id text, amount bigint, idempotency_key text, request_hash text)
      ),
      eligible as (
        select i.* from input i
        where not exists (select 1 from points_entries e where e.member_id = i.member_id)
      ),
      entries as (
        insert into points_entries (id, program_id, member_id, kind, amount, idempotency_key, request_hash, reason, available_at, expires_at, actor_type, actor_id, created_at)
        select entry_id, ${input.programId}, member_id, 'adjust', amount, idempotency_key, request_hash, 'import_opening_balance',
               ${now.toISOString()}::timestamptz, ${expiresAt}::timestamptz, ${input.actorType}, ${input.actorId}, ${now.toISOString()}::timestamptz
        from eligible
        on conflict (program_id, idempotency_key) do nothing
        returning id, member_id, amount
      ),
      lots as (
        insert into points_lots (id, program_id, member_id, entry_id, amount, remaining, available_at, expires_at, state, created_at, updated_at)
        select i.lot_id, ${input.programId}, e.member_id, e.id, e.amount, e.amount, ${now.toISOString()}::timestamptz, ${expiresAt}::timestamptz, 'available',
               ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from entries e join input i on i.entry_id = e.id
        returning member_id
      ),
      accounts as (
        insert into points_accounts (member_id, program_id, available, pending, lifetime_earned, updated_at)
        select member_id, ${input.programId}, amount, 0, 0, ${now.toISOString()}::timestamptz from entries
        on conflict (member_id) do update
          set available = points_accounts.available + excluded.available, updated_at = excluded.updated_at
        returning member_id
      )
      select member_id from entries
    `,
  );
  return credited.map((r) => r.member_id);
}
