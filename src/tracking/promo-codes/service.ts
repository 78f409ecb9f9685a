import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import { affiliateProfiles, members, programs, promoCodes } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { recordAudit } from '../../core/audit.js';
import { assertStaff, loadMemberInScope, loadProgramInScope, memberScopeCondition, memberVisibleTo, programVisibleTo } from '../../core/auth/scope.js';
import { pageLimit, toPage, type Page } from '../../core/pagination.js';
import { parseInput } from '../../core/validation.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors.js';
import { PromoCodeCreateInputSchema, PromoCodeListQuerySchema, type PromoCodeCreateInput, type PromoCodeListQuery } from './input.js';
import { promoCodeView, type PromoCodeView } from './views.js';

/**
 * Promo codes: a code an affiliate hands out; a conversion that carries it is attributed to them
 * (below a click id or cookie). Staff and the program's API key create and archive them, regional
 * managers for affiliates in their countries; affiliates see their own.
 */

/** Creates a code for an approved affiliate; a code is unique in its program (409 when taken). */
export async function createPromoCode(ctx: ServiceContext, programId: string, raw: PromoCodeCreateInput): Promise<PromoCodeView> {
  const input = parseInput(PromoCodeCreateInputSchema, raw);
  assertStaff(ctx.actor);
  return await withTransaction(ctx, async (tx) => {
    const { program, member } = await loadMemberInScope(tx, programId, input.partnerMemberId);
    const [profile] = await tx.db.select({ status: affiliateProfiles.status }).from(affiliateProfiles).where(eq(affiliateProfiles.memberId, member.id));
    if (profile?.status !== 'approved') {
      const why = profile ? `their affiliate application is ${profile.status}` : 'they are not an affiliate of this program';
      throw new UnprocessableError('unprocessable', `Member ${member.id} cannot have promo codes: ${why}.`, { field: 'partnerMemberId', affiliateStatus: profile?.status ?? null });
    }
    const now = tx.clock();
    const [row] = await tx.db
      .insert(promoCodes)
      .values({ programId: program.id, code: input.code, partnerMemberId: member.id, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: [promoCodes.programId, promoCodes.code] })
      .returning();
    // Archived codes keep theirs too: a code once handed out must never start crediting someone else.
    if (!row) throw new ConflictError(`The promo code ${input.code} is already taken in this program.`, 'conflict', { field: 'code' });
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'promo_code.created', entityType: 'promo_code', entityId: row.id, after: promoCodeView(row) });
    return promoCodeView(row);
  });
}

/** A program's codes the caller may see, oldest first (scope through the partner, like members). */
export async function listPromoCodes(ctx: ServiceContext, programId: string, raw: PromoCodeListQuery = {}): Promise<Page<PromoCodeView>> {
  const query = parseInput(PromoCodeListQuerySchema, raw, 'query');
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit({ limit: query.limit, cursor: query.cursor });
  const conditions: (SQL | undefined)[] = [eq(promoCodes.programId, program.id), memberScopeCondition(ctx.actor)];
  if (cursor !== undefined) conditions.push(gt(promoCodes.id, cursor));
  if (query.partnerMemberId) conditions.push(eq(promoCodes.partnerMemberId, query.partnerMemberId));
  if (query.status) conditions.push(eq(promoCodes.status, query.status));
  if (query.code) conditions.push(eq(promoCodes.code, query.code));
  const rows = await ctx.db
    .select({ code: promoCodes })
    .from(promoCodes)
    .innerJoin(members, eq(members.id, promoCodes.partnerMemberId))
    .where(and(...conditions))
    .orderBy(asc(promoCodes.id))
    .limit(fetch);
  const page = toPage(rows.map((r) => ({ ...r, id: r.code.id })), limit);
  return { data: page.data.map((r) => promoCodeView(r.code)), nextCursor: page.nextCursor };
}

/** Archives a code: conversions carrying it are no longer attributed by it. Archiving twice changes nothing. */
export async function archivePromoCode(ctx: ServiceContext, promoCodeId: string): Promise<PromoCodeView> {
  return await withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .select({ code: promoCodes, program: programs, partner: { id: members.id, programId: members.programId, country: members.country } })
      .from(promoCodes)
      .innerJoin(programs, eq(programs.id, promoCodes.programId))
      .innerJoin(members, eq(members.id, promoCodes.partnerMemberId))
      .where(eq(promoCodes.id, promoCodeId))
      .for('update', { of: promoCodes });
    if (!row || !programVisibleTo(tx.actor, row.program) || !memberVisibleTo(tx.actor, row.partner, row.program)) throw new NotFoundError('Promo code', promoCodeId);
    assertStaff(tx.actor);
    if (row.code.status === 'archived') return promoCodeView(row.code);
    const now = tx.clock();
    const [archived] = await tx.db.update(promoCodes).set({ status: 'archived', archivedAt: now, updatedAt: now }).where(eq(promoCodes.id, row.code.id)).returning();
    await recordAudit(tx, {
      tenantId: row.program.tenantId,
      programId: row.program.id,
      action: 'promo_code.archived',
      entityType: 'promo_code',
      entityId: row.code.id,
      before: promoCodeView(row.code),
      after: promoCodeView(archived!),
    });
    return promoCodeView(archived!);
  });
}
