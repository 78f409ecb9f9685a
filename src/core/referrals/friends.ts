import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { members } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { loadMemberInScope } from '../auth/scope.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';

/** How far a friend has come: joined the program, or also made a first purchase. */
export type FriendStatus = 'joined' | 'purchased';

export interface ReferredFriend {
  id: string;
  /** First name and last initial ("Lena M."): a referrer sees who joined, not a customer record. */
  displayName: string | null;
  joinedAt: string;
  status: FriendStatus;
  firstPurchaseAt: string | null;
  /** Referral points the referrer received for this friend and still holds (reversed rewards excluded). */
  pointsEarned: number;
}

/** "Lena Müller" -> "Lena M."; one word stays as it is; blank names stay unnamed. */
export function friendDisplayName(name: string): string | null {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  if (words.length === 1) return words[0]!;
  return `${words[0]} ${Array.from(words[words.length - 1]!)[0]!.toUpperCase()}.`;
}

/**
 * The members who joined through `memberId`'s referral, newest first, with their first purchase and
 * the referral points each earned the referrer. Scope is the referrer's: a member sees their own
 * friends, a manager those of members in their countries, an admin everyone's.
 */
export async function listReferredFriends(
  ctx: ServiceContext,
  input: { programId: string; memberId: string } & PageInput,
): Promise<Page<ReferredFriend>> {
  const { program, member } = await loadMemberInScope(ctx, input.programId, input.memberId);
  const page = pageLimit({ limit: input.limit, cursor: input.cursor });
  // Written out with aliases: drizzle leaves columns unqualified in a single-table select, and an
  // unqualified "id" inside the subqueries would bind to the inner table.
  const firstPurchaseAt = sql<Date | string | null>`(select min(o.occurred_at) from member_orders o
    where o.member_id = members.id and o.status <> 'refunded')`;
  const pointsEarned = sql<string | number>`(select coalesce(sum(r.points), 0) from referral_rewards r
    where r.friend_member_id = members.id and r.referrer_member_id = ${member.id} and r.side = 'referrer' and r.status = 'granted')`;
  const rows = await ctx.db
    .select({ id: members.id, name: members.name, createdAt: members.createdAt, firstPurchaseAt, pointsEarned })
    .from(members)
    .where(and(eq(members.programId, program.id), eq(members.referredByMemberId, member.id), page.cursor ? lt(members.id, page.cursor) : undefined))
    .orderBy(desc(members.id))
    .limit(page.fetch);
  return toPage(rows, page.limit, (r) => {
    const purchasedAt = r.firstPurchaseAt === null ? null : new Date(r.firstPurchaseAt);
    return {
      id: r.id,
      displayName: friendDisplayName(r.name),
      joinedAt: r.createdAt.toISOString(),
      status: purchasedAt ? 'purchased' : 'joined',
      firstPurchaseAt: purchasedAt ? purchasedAt.toISOString() : null,
      pointsEarned: Number(r.pointsEarned),
    };
  });
}
