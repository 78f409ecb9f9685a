import { eq } from 'drizzle-orm';
import { affiliateProfiles, links, members, programs } from '../../../db/schema/index.js';
import { publishAfterCommit, type ServiceContext } from '../../context.js';
import { loadMemberInScope, memberVisibleTo, programVisibleTo, type Member, type Program } from '../../core/auth/scope.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../errors.js';
import type { LinkRow } from './views.js';

/** Row access shared by the link services: scope, owners, slug-safe inserts, change announcements. */

/**
 * The link if the actor may see it: through its program, and through its owner (affiliates and
 * members their own, regional managers owners in their countries). Anything else is not found,
 * so link ids cannot be probed. `forUpdate` locks the link row for a change.
 */
export async function loadLinkInScope(ctx: ServiceContext, linkId: string, opts: { forUpdate?: boolean } = {}): Promise<{ link: LinkRow; program: Program }> {
  const found = await findLinkInScope(ctx, linkId, opts);
  if (!found) throw new NotFoundError('Link', linkId);
  return found;
}

/** loadLinkInScope's lookup: undefined both when the link does not exist and when the actor may not see it. */
export async function findLinkInScope(ctx: ServiceContext, linkId: string, opts: { forUpdate?: boolean } = {}): Promise<{ link: LinkRow; program: Program } | undefined> {
  const query = ctx.db
    .select({ link: links, program: programs, owner: { id: members.id, programId: members.programId, country: members.country } })
    .from(links)
    .innerJoin(programs, eq(programs.id, links.programId))
    .innerJoin(members, eq(members.id, links.ownerMemberId))
    .where(eq(links.id, linkId));
  const [row] = opts.forUpdate ? await query.for('update', { of: links }) : await query;
  if (!row || !programVisibleTo(ctx.actor, row.program) || !memberVisibleTo(ctx.actor, row.owner, row.program)) return undefined;
  return { link: row.link, program: row.program };
}

/**
 * Whose link is being made: affiliates and members act for themselves (naming anyone else is a 404,
 * like reading their record), staff and API keys name the member, within their scope.
 */
export async function resolveLinkOwner(ctx: ServiceContext, programId: string, requested: string | undefined, field: string): Promise<{ program: Program; owner: Member }> {
  const actor = ctx.actor;
  const self = actor.kind === 'user' && (actor.role === 'affiliate' || actor.role === 'member') ? actor.memberId : undefined;
  const memberId = requested ?? self;
  if (!memberId) throw new ValidationError([{ field, reason: 'is required: name the member the link belongs to' }]);
  const { program, member } = await loadMemberInScope(ctx, programId, memberId);
  return { program, owner: member };
}

/** Affiliate links belong to approved affiliates only: anyone else has nothing to promote yet. */
export async function assertApprovedAffiliate(ctx: ServiceContext, owner: Member): Promise<void> {
  const [profile] = await ctx.db.select({ status: affiliateProfiles.status, programId: affiliateProfiles.programId }).from(affiliateProfiles).where(eq(affiliateProfiles.memberId, owner.id));
  if (profile?.programId === owner.programId && profile.status === 'approved') return;
  const why = profile ? `their affiliate application is ${profile.status}` : 'they are not an affiliate of this program';
  throw new UnprocessableError('unprocessable', `Member ${owner.id} cannot own affiliate links: ${why}.`, {
    field: 'ownerMemberId',
    affiliateStatus: profile?.status ?? null,
  });
}

export function slugTaken(slug: string, domain: string): ConflictError {
  const where = domain ? `on ${domain}` : 'on the shared domain';
  return new ConflictError(`The slug ${slug} is already taken ${where}.`, 'conflict', { field: 'slug' });
}

/**
 * Inserts a link with the given slug, or returns undefined when a unique index already holds it
 * (the slug on that domain, or the member's invite link). ON CONFLICT keeps the transaction usable
 * for a retry, and makes a concurrent insert wait for the other one and then step aside.
 */
export async function tryInsertLink(ctx: ServiceContext, values: typeof links.$inferInsert): Promise<LinkRow | undefined> {
  const [row] = await ctx.db.insert(links).values(values).onConflictDoNothing().returning();
  return row;
}

/** Tells every process's link cache (after commit) that this (domain, slug) changed. */
export function announceLinkChange(ctx: ServiceContext, link: Pick<LinkRow, 'domain' | 'slug'>): void {
  publishAfterCommit(ctx, { topic: 'link', domain: link.domain, slug: link.slug });
}
