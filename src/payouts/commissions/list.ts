import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { commissions, programs } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import type { Actor } from '../../core/auth/actor.js';
import { loadProgramInScope, namedMemberFilter, programVisibleTo } from '../../core/auth/scope.js';
import { idPaging, pageLimit, toPage, type Page } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { NotFoundError } from '../../errors.js';
import type { CommissionRow } from './effects.js';
import { CommissionListQuerySchema, type CommissionListQuery } from './input.js';
import { commissionView, partnerNamesOf, type CommissionView } from './views.js';

/**
 * Which commissions an actor may see within a program they may see: regional managers those of
 * markets (commission country) in their countries, affiliates and members their own as partner,
 * admins, the program's API key and jobs all.
 */
export function commissionScopeCondition(actor: Actor): SQL | undefined {
  if (actor.kind !== 'user') return undefined;
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'regional_manager':
      return actor.countries.length ? inArray(commissions.country, actor.countries) : sql`false`;
    case 'affiliate':
    case 'member':
      return eq(commissions.partnerMemberId, actor.memberId);
  }
}

export function commissionVisibleTo(actor: Actor, row: Pick<CommissionRow, 'country' | 'partnerMemberId'>): boolean {
  if (actor.kind !== 'user') return true;
  switch (actor.role) {
    case 'admin':
      return true;
    case 'regional_manager':
      return row.country !== null && actor.countries.includes(row.country);
    case 'affiliate':
    case 'member':
      return row.partnerMemberId === actor.memberId;
  }
}

/** The commission with its program, if the actor may see both; NotFoundError otherwise (out of scope looks like absent). */
export async function loadCommissionInScope(ctx: ServiceContext, commissionId: string, lock = false): Promise<{ commission: CommissionRow; program: typeof programs.$inferSelect }> {
  const query = ctx.db.select().from(commissions).where(eq(commissions.id, commissionId));
  const [commission] = lock ? await query.for('update') : await query;
  if (!commission) throw new NotFoundError('Commission', commissionId);
  const [program] = await ctx.db.select().from(programs).where(eq(programs.id, commission.programId));
  if (!program || !programVisibleTo(ctx.actor, program) || !commissionVisibleTo(ctx.actor, commission)) throw new NotFoundError('Commission', commissionId);
  return { commission, program };
}

export async function getCommission(ctx: ServiceContext, commissionId: string): Promise<CommissionView> {
  const { commission } = await loadCommissionInScope(ctx, commissionId);
  return commissionView(commission, ctx.actor, await partnerNamesOf(ctx.db, [commission]));
}

/** A program's commissions the caller may see, oldest first unless `order=newest`, filtered by status, kind, partner, conversion or market. */
export async function listCommissions(ctx: ServiceContext, programId: string, raw: CommissionListQuery): Promise<Page<CommissionView>> {
  const query = parseInput(CommissionListQuerySchema, raw, 'query');
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit({ limit: query.limit, cursor: query.cursor });
  const paging = idPaging(commissions.id, query.order ?? 'oldest', cursor);
  const conditions: (SQL | undefined)[] = [eq(commissions.programId, program.id), commissionScopeCondition(ctx.actor), paging.after];
  if (query.status) conditions.push(eq(commissions.status, query.status));
  if (query.kind) conditions.push(eq(commissions.kind, query.kind));
  conditions.push(await namedMemberFilter(ctx, program, commissions.partnerMemberId, query.partnerMemberId));
  if (query.conversionId) conditions.push(eq(commissions.conversionId, query.conversionId));
  if (query.country) conditions.push(eq(commissions.country, query.country));
  const rows = await ctx.db
    .select()
    .from(commissions)
    .where(and(...conditions))
    .orderBy(paging.orderBy)
    .limit(fetch);
  const names = await partnerNamesOf(ctx.db, rows);
  return toPage(rows, limit, (row) => commissionView(row, ctx.actor, names));
}
