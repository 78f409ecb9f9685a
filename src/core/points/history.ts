import { and, desc, eq, sql } from 'drizzle-orm';
import { pointsEntries, pointsLots } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ValidationError } from '../../errors.js';
import { loadMemberInScope } from '../auth/scope.js';
import { pageLimit, type Page, type PageInput } from '../pagination.js';
import { EXPIRING_SOON_DAYS } from './balance.js';
import { entryView, type PointsEntryView } from './views.js';

/** What is left of the points an entry credited (earns and positive adjustments open a lot). */
export interface EntryLot {
  remaining: number;
  state: 'pending' | 'available' | 'closed';
  availableAt: string;
  expiresAt: string | null;
  /** Some of it is still unspent and expires within the `expiringSoon` horizon of the balance. */
  expiringSoon: boolean;
}

export type PointsHistoryItem = PointsEntryView & { lot: EntryLot | null };

/**
 * The history is ordered by when entries happened, not by id: imported opening balances (and the
 * demo's backdated orders) carry a `createdAt` older than their id. The cursor is `<createdAt>|<id>`.
 */
const cursorOf = (e: { createdAt: Date; id: string }) => `${e.createdAt.toISOString()}|${e.id}`;

function parseCursor(cursor: string): { at: Date; id: string } {
  const [at, id, extra] = cursor.split('|');
  const date = at ? new Date(at) : null;
  if (!date || Number.isNaN(date.getTime()) || !id || extra !== undefined) {
    throw new ValidationError([{ field: 'cursor', reason: 'is not a cursor this list handed out' }]);
  }
  return { at: date, id };
}

/**
 * The member's ledger for people to read: newest first, each credit with what is left of it, so
 * a statement can say which points are about to expire. The ledger itself (`listEntries`) stays
 * oldest first for reconciliation.
 */
export async function listPointsHistory(
  ctx: ServiceContext,
  input: { programId: string; memberId: string } & PageInput,
): Promise<Page<PointsHistoryItem>> {
  const { member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const page = pageLimit({ limit: input.limit, cursor: input.cursor });
  const after = page.cursor ? parseCursor(page.cursor) : null;
  const e = pointsEntries;
  // Milliseconds, as the cursor carries them: a microsecond the cursor cannot hold must not skip a row.
  const at = sql<Date>`date_trunc('milliseconds', ${e.createdAt})`;
  const rows = await ctx.db
    .select({ entry: pointsEntries, lot: pointsLots })
    .from(pointsEntries)
    .leftJoin(pointsLots, eq(pointsLots.entryId, e.id))
    .where(
      and(
        eq(e.memberId, member.id),
        after ? sql`(${at}, ${e.id}) < (${after.at.toISOString()}::timestamptz, ${after.id})` : undefined,
      ),
    )
    .orderBy(desc(at), desc(e.id))
    .limit(page.fetch);
  const now = ctx.clock().getTime();
  const horizon = now + EXPIRING_SOON_DAYS * 86_400_000;
  const more = rows.length > page.limit;
  const slice = more ? rows.slice(0, page.limit) : rows;
  return {
    nextCursor: more ? cursorOf(slice[slice.length - 1]!.entry) : null,
    data: slice.map(({ entry, lot }) => ({
      ...entryView(entry, ctx.actor),
      lot: lot
        ? {
            remaining: lot.remaining,
            state: lot.state,
            availableAt: lot.availableAt.toISOString(),
            expiresAt: lot.expiresAt ? lot.expiresAt.toISOString() : null,
            expiringSoon:
              lot.state === 'available' && lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt.getTime() > now && lot.expiresAt.getTime() <= horizon,
          }
        : null,
    })),
  };
}
