import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { pointsAccounts, pointsEntries } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { loadMemberInScope } from '../auth/scope.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { entryView, type PointsEntryView } from './views.js';

/** How far ahead `expiringSoon` looks. */
export const EXPIRING_SOON_DAYS = 30;

export interface PointsBalance {
  memberId: string;
  available: number;
  pending: number;
  lifetimeEarned: number;
  /** Available points that expire within the next 30 days, grouped by expiry moment, soonest first. */
  expiringSoon: { points: number; expiresAt: string }[];
}

/** The member's balance; a member with no ledger activity has zeros. */
export async function getBalance(ctx: ServiceContext, programId: string, memberId: string): Promise<PointsBalance> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const [account] = await ctx.db.select().from(pointsAccounts).where(eq(pointsAccounts.memberId, member.id));
  const now = ctx.clock();
  const horizon = new Date(now.getTime() + EXPIRING_SOON_DAYS * 86_400_000);
  const expiring = await queryRows<{ points: unknown; expires_at: unknown }>(
    ctx.db,
    sql`select sum(remaining) as points, expires_at from points_lots
        where member_id = ${member.id} and state = 'available' and remaining > 0
          and expires_at > ${now.toISOString()}::timestamptz and expires_at <= ${horizon.toISOString()}::timestamptz
        group by expires_at order by expires_at limit 50`,
  );
  return {
    memberId: member.id,
    available: account?.available ?? 0,
    pending: account?.pending ?? 0,
    lifetimeEarned: account?.lifetimeEarned ?? 0,
    expiringSoon: expiring.map((r) => ({ points: Number(r.points), expiresAt: new Date(r.expires_at as string).toISOString() })),
  };
}

/** The member's ledger, oldest first, cursor-paginated by entry id. */
export async function listEntries(ctx: ServiceContext, programId: string, memberId: string, page?: PageInput): Promise<Page<PointsEntryView>> {
  const { member } = await loadMemberInScope(ctx, programId, memberId);
  const { limit, fetch, cursor } = pageLimit(page);
  const rows = await ctx.db
    .select()
    .from(pointsEntries)
    .where(and(eq(pointsEntries.memberId, member.id), cursor ? gt(pointsEntries.id, cursor) : undefined))
    .orderBy(asc(pointsEntries.id))
    .limit(fetch);
  return toPage(rows, limit, (row) => entryView(row, ctx.actor));
}
