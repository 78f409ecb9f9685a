import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { conversions, programs } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import type { Actor } from '../../core/auth/actor.js';
import { loadProgramInScope, namedMemberFilter, programVisibleTo } from '../../core/auth/scope.js';
import { pageLimit, toPage, type Page } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { NotFoundError } from '../../errors.js';
import { ConversionListQuerySchema, type ConversionListQuery } from './input.js';
import type { ConversionRow } from './types.js';
import { audienceOf, conversionView, type ConversionView } from './views.js';

/**
 * Which conversions an actor sees: admins, the program's API key and jobs all; regional managers
 * those whose market is one of their countries (a conversion not yet processed has no market and
 * shows to them once it has); affiliates and members those that credit them.
 */
function conversionScopeCondition(actor: Actor): SQL | undefined {
  if (actor.kind !== 'user') return undefined;
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'regional_manager':
      return actor.countries.length ? inArray(conversions.marketCountry, actor.countries) : sql`false`;
    case 'affiliate':
    case 'member':
      return eq(conversions.partnerMemberId, actor.memberId);
  }
}

function conversionVisibleTo(actor: Actor, c: ConversionRow): boolean {
  if (actor.kind !== 'user') return true;
  switch (actor.role) {
    case 'admin':
      return true;
    case 'regional_manager':
      return c.marketCountry !== null && actor.countries.includes(c.marketCountry);
    case 'affiliate':
    case 'member':
      return c.partnerMemberId === actor.memberId;
  }
}

/** A program's conversions the caller may see, oldest first. */
export async function listConversions(ctx: ServiceContext, programId: string, raw: ConversionListQuery = {}): Promise<Page<ConversionView>> {
  const query = parseInput(ConversionListQuerySchema, raw, 'query');
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit({ limit: query.limit, cursor: query.cursor });
  const conditions: (SQL | undefined)[] = [eq(conversions.programId, program.id), conversionScopeCondition(ctx.actor)];
  if (cursor !== undefined) conditions.push(gt(conversions.id, cursor));
  if (query.kind) conditions.push(eq(conversions.kind, query.kind));
  if (query.status) conditions.push(eq(conversions.status, query.status));
  conditions.push(await namedMemberFilter(ctx, program, conversions.partnerMemberId, query.partnerMemberId));
  if (query.country) conditions.push(eq(conversions.marketCountry, query.country));
  // Unprocessed conversions have no method yet, so no method filter lists them.
  if (query.method) conditions.push(eq(conversions.attributionMethod, query.method));
  const rows = await ctx.db
    .select()
    .from(conversions)
    .where(and(...conditions))
    .orderBy(asc(conversions.id))
    .limit(fetch);
  const audience = audienceOf(ctx.actor);
  return toPage(rows, limit, (row) => conversionView(row, audience));
}

/**
 * One conversion, by our id; the program's API key may also name it by its externalId. Anything
 * the caller may not see is not found.
 */
export async function getConversion(ctx: ServiceContext, conversionId: string): Promise<ConversionView> {
  const actor = ctx.actor;
  const byId = eq(conversions.id, conversionId);
  const [row] = await ctx.db
    .select({ conversion: conversions, program: { id: programs.id, tenantId: programs.tenantId } })
    .from(conversions)
    .innerJoin(programs, eq(programs.id, conversions.programId))
    .where(actor.kind === 'api_key' ? or(byId, and(eq(conversions.programId, actor.programId), eq(conversions.externalId, conversionId))) : byId)
    .orderBy(sql`${conversions.id} = ${conversionId} desc`)
    .limit(1);
  if (!row || !programVisibleTo(actor, row.program) || !conversionVisibleTo(actor, row.conversion)) throw new NotFoundError('Conversion', conversionId);
  return conversionView(row.conversion, audienceOf(actor));
}
