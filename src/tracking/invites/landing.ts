import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { links, markets, members, programs } from '../../../db/schema/index.js';
import { referralSettingsOf } from '../../core/referrals/settings.js';

/** What a friend sees on a member's invite page: who invites them, to what, and what they get. */
export interface InviteLanding {
  slug: string;
  programId: string;
  programName: string;
  /** The inviting member's first name only: the page is public, the rest of the name is not ours to show. */
  inviterFirstName: string;
  /** The inviter's country: its market's default language and its managers' texts apply. */
  country: string | null;
  marketLocale: string | null;
  friendSignupPoints: number;
  friendFirstPurchasePoints: number;
}

/**
 * The active invite link `slug` on `host` (a program's own link domain) or on the shared domain,
 * with what its page shows; null when there is none (unknown, archived, or not an invite link).
 */
export async function findInviteLanding(db: Db, host: string, slug: string): Promise<InviteLanding | null> {
  const [row] = await db
    .select({
      slug: links.slug,
      programId: programs.id,
      programName: programs.name,
      settings: programs.settings,
      inviterName: members.name,
      country: members.country,
      marketLocale: markets.defaultLocale,
    })
    .from(links)
    .innerJoin(programs, eq(programs.id, links.programId))
    .innerJoin(members, eq(members.id, links.ownerMemberId))
    .leftJoin(markets, and(eq(markets.programId, links.programId), eq(markets.country, members.country)))
    .where(and(eq(links.slug, slug), inArray(links.domain, [host, '']), eq(links.kind, 'invite'), eq(links.status, 'active')))
    // A link on the request's own host wins over the shared domain, as in the redirect.
    .orderBy(sql`${links.domain} = ${host} desc`)
    .limit(1);
  if (!row) return null;
  const referrals = referralSettingsOf({ settings: row.settings });
  return {
    slug: row.slug,
    programId: row.programId,
    programName: row.programName,
    inviterFirstName: row.inviterName.trim().split(/\s+/)[0] ?? '',
    country: row.country,
    marketLocale: row.marketLocale,
    friendSignupPoints: referrals.signup.friendPoints,
    friendFirstPurchasePoints: referrals.firstPurchase.friendPoints,
  };
}
