import { z } from '@hono/zod-openapi';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { members, memberTags } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ValidationError } from '../../errors.js';
import { recordAudit } from '../audit.js';
import { assertStaff, loadMemberInScope, loadProgramInScope, memberScopeCondition } from '../auth/scope.js';
import { pageLimit, type Page, type PageInput } from '../pagination.js';

/** Lower-case labels such as `vip`, `newsletter-2024` or `source:fair`; the database checks the same form. */
export const TAG_PATTERN = /^[a-z0-9][a-z0-9_:-]{0,63}$/;
export const TagSchema = z
  .string()
  .regex(TAG_PATTERN, 'must be 1-64 characters of a-z, 0-9, _, - and :, starting with a letter or digit')
  .openapi({ example: 'vip' });

/** Tags of many members at once, each list sorted. */
export async function tagsByMember(db: Db, memberIds: string[]): Promise<Map<string, string[]>> {
  const byMember = new Map<string, string[]>(memberIds.map((id) => [id, []]));
  if (!memberIds.length) return byMember;
  const rows = await db
    .select({ memberId: memberTags.memberId, tag: memberTags.tag })
    .from(memberTags)
    .where(inArray(memberTags.memberId, memberIds))
    .orderBy(asc(memberTags.tag));
  for (const r of rows) byMember.get(r.memberId)?.push(r.tag);
  return byMember;
}

function assertTag(tag: string): void {
  if (!TAG_PATTERN.test(tag)) throw new ValidationError([{ field: 'path.tag', reason: 'must be 1-64 characters of a-z, 0-9, _, - and :, starting with a letter or digit' }]);
}

/** Adds a tag; adding one the member already has changes nothing. */
export async function addMemberTag(ctx: ServiceContext, programId: string, memberId: string, tag: string): Promise<{ memberId: string; tags: string[]; changed: boolean }> {
  assertTag(tag);
  return await withTransaction(ctx, async (tx) => {
    const { program, member } = await loadMemberInScope(tx, programId, memberId);
    assertStaff(tx.actor);
    const inserted = await tx.db.insert(memberTags).values({ memberId: member.id, programId: program.id, tag }).onConflictDoNothing().returning();
    const changed = inserted.length > 0;
    if (changed) await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'member.tag_added', entityType: 'member', entityId: member.id, after: { tag } });
    return { memberId: member.id, tags: (await tagsByMember(tx.db, [member.id])).get(member.id)!, changed };
  });
}

/** Removes a tag; removing one the member does not have changes nothing. */
export async function removeMemberTag(ctx: ServiceContext, programId: string, memberId: string, tag: string): Promise<{ memberId: string; tags: string[]; changed: boolean }> {
  assertTag(tag);
  return await withTransaction(ctx, async (tx) => {
    const { program, member } = await loadMemberInScope(tx, programId, memberId);
    assertStaff(tx.actor);
    const removed = await tx.db
      .delete(memberTags)
      .where(and(eq(memberTags.memberId, member.id), eq(memberTags.tag, tag)))
      .returning();
    const changed = removed.length > 0;
    if (changed) await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'member.tag_removed', entityType: 'member', entityId: member.id, before: { tag } });
    return { memberId: member.id, tags: (await tagsByMember(tx.db, [member.id])).get(member.id)!, changed };
  });
}

/** Tags in use in the program with how many members (visible to the caller) carry each, by tag name. */
export async function listTags(
  ctx: ServiceContext,
  programId: string,
  page: PageInput,
): Promise<Page<{ tag: string; count: number }>> {
  const program = await loadProgramInScope(ctx, programId);
  assertStaff(ctx.actor);
  // Paged by tag name rather than id: the cursor is the last tag handed out.
  const { limit, fetch, cursor: after } = pageLimit(page);
  const rows = await ctx.db
    .select({ tag: memberTags.tag, count: sql<number>`count(*)::int`.mapWith(Number) })
    .from(memberTags)
    .innerJoin(members, eq(members.id, memberTags.memberId))
    .where(and(eq(memberTags.programId, program.id), memberScopeCondition(ctx.actor), after === undefined ? undefined : gt(memberTags.tag, after)))
    .groupBy(memberTags.tag)
    .orderBy(asc(memberTags.tag))
    .limit(fetch);
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? data[data.length - 1]!.tag : null };
}
