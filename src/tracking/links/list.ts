import { and, eq, ilike, like, or, type SQL } from 'drizzle-orm';
import { links, members } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { loadProgramInScope, memberScopeCondition } from '../../core/auth/scope.js';
import { idPaging, pageLimit, toPage, type Page } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { LinkListQuerySchema, type LinkListQuery } from './input.js';
import { linkView, type LinkView } from './views.js';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A program's links the caller may see, oldest first unless `order=newest`: affiliates and members their own, regional
 * managers those whose owner is in their countries, admins and the program's API key all.
 */
export async function listLinks(ctx: ServiceContext, programId: string, raw: LinkListQuery, baseUrl = ''): Promise<Page<LinkView>> {
  const query = parseInput(LinkListQuerySchema, raw, 'query');
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit({ limit: query.limit, cursor: query.cursor });
  // The owner's row carries the scope (country, member id), so the members scope rule applies as is.
  const paging = idPaging(links.id, query.order ?? 'oldest', cursor);
  const conditions: (SQL | undefined)[] = [eq(links.programId, program.id), memberScopeCondition(ctx.actor), paging.after];
  if (query.ownerMemberId) conditions.push(eq(links.ownerMemberId, query.ownerMemberId));
  if (query.kind) conditions.push(eq(links.kind, query.kind));
  if (query.status) conditions.push(eq(links.status, query.status));
  if (query.q) {
    const prefix = `${escapeLike(query.q)}%`;
    // Slugs are case-sensitive, titles are prose.
    conditions.push(or(like(links.slug, prefix), ilike(links.title, prefix)));
  }
  const rows = await ctx.db
    .select({ link: links })
    .from(links)
    .innerJoin(members, eq(members.id, links.ownerMemberId))
    .where(and(...conditions))
    .orderBy(paging.orderBy)
    .limit(fetch);
  const page = toPage(rows.map((r) => ({ ...r, id: r.link.id })), limit);
  return { data: page.data.map((r) => linkView(r.link, baseUrl)), nextCursor: page.nextCursor };
}
