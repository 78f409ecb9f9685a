import { z } from '@hono/zod-openapi';
import { and, asc, eq, gt, gte, ilike, lt, or, sql, type SQL } from 'drizzle-orm';
import { customFieldDefinitions, members, memberTags } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { ValidationError, type FieldIssue } from '../../errors.js';
import { assertStaff, loadProgramInScope, memberScopeCondition } from '../auth/scope.js';
import { coerceCustomFieldValue } from './custom-fields.js';
import { CountrySchema, MEMBER_STATUSES } from './member-input.js';
import { pageInputSchema, pageLimit, toPage, type Page } from '../pagination.js';
import { TagSchema, tagsByMember } from './tags.js';
import { memberView, type MemberView } from './views.js';

const InstantSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => new Date(v.length === 10 ? `${v}T00:00:00Z` : v))
  .openapi({ example: '2024-01-31T00:00:00Z' });

/**
 * Filters for listing members. Besides these, any `cf.<key>=value` parameter filters on a custom
 * field by equality (the value is read as the field's type), which is why unknown keys pass through.
 */
export const MemberListQuerySchema = pageInputSchema.extend({
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'Case-insensitive search in name and email.' }),
  country: CountrySchema.optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  tierId: z.string().max(64).optional(),
  tag: TagSchema.optional(),
  source: z.string().max(64).optional(),
  createdFrom: InstantSchema.optional().openapi({ description: 'Created at or after this instant (a date means its UTC midnight).' }),
  createdTo: InstantSchema.optional().openapi({ description: 'Created before this instant (exclusive).' }),
}).loose();

export type MemberListQuery = z.infer<typeof MemberListQuerySchema>;

const CF_PREFIX = 'cf.';

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `cf.<key>=value` parameters as jsonb containment conditions, checked against the definitions. */
async function customFieldConditions(ctx: ServiceContext, programId: string, query: Record<string, unknown>): Promise<SQL[]> {
  const wanted = Object.keys(query).filter((k) => k.startsWith(CF_PREFIX));
  if (!wanted.length) return [];
  const definitions = await ctx.db.select().from(customFieldDefinitions).where(eq(customFieldDefinitions.programId, programId));
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const issues: FieldIssue[] = [];
  const conditions: SQL[] = [];
  for (const param of wanted) {
    const key = param.slice(CF_PREFIX.length);
    const field = `query.${param}`;
    const def = byKey.get(key);
    const raw = query[param];
    if (!def) issues.push({ field, reason: 'is not a custom field of this program' });
    else if (typeof raw !== 'string') issues.push({ field, reason: 'must be given once' });
    else {
      const coerced = coerceCustomFieldValue(def, raw);
      if (!coerced.ok) issues.push({ field, reason: coerced.reason });
      else conditions.push(sql`${members.customFields} @> ${JSON.stringify({ [key]: coerced.value })}::jsonb`);
    }
  }
  if (issues.length) throw new ValidationError(issues);
  return conditions;
}

/** Members of a program the caller may see, filtered, by id (creation order). */
export async function listMembers(ctx: ServiceContext, programId: string, query: MemberListQuery): Promise<Page<MemberView>> {
  const program = await loadProgramInScope(ctx, programId);
  assertStaff(ctx.actor);
  const { limit, fetch, cursor: after } = pageLimit({ limit: query.limit, cursor: query.cursor });
  const conditions: (SQL | undefined)[] = [eq(members.programId, program.id), memberScopeCondition(ctx.actor)];
  if (after !== undefined) conditions.push(gt(members.id, after));
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(members.name, pattern), ilike(members.emailNormalized, pattern.toLowerCase())));
  }
  if (query.country) conditions.push(eq(members.country, query.country));
  if (query.status) conditions.push(eq(members.status, query.status));
  if (query.tierId) conditions.push(eq(members.tierId, query.tierId));
  if (query.source) conditions.push(eq(members.source, query.source));
  if (query.createdFrom) conditions.push(gte(members.createdAt, query.createdFrom));
  if (query.createdTo) conditions.push(lt(members.createdAt, query.createdTo));
  if (query.tag) {
    conditions.push(sql`exists (select 1 from ${memberTags} where ${memberTags.memberId} = ${members.id} and ${memberTags.tag} = ${query.tag})`);
  }
  conditions.push(...(await customFieldConditions(ctx, program.id, query)));

  const rows = await ctx.db
    .select()
    .from(members)
    .where(and(...conditions))
    .orderBy(asc(members.id))
    .limit(fetch);
  const page = toPage(rows, limit);
  const tags = await tagsByMember(ctx.db, page.data.map((m) => m.id));
  return { data: page.data.map((m) => memberView(m, tags.get(m.id) ?? [])), nextCursor: page.nextCursor };
}
