import { and, eq, gt } from 'drizzle-orm';
import { isUniqueViolation } from '../../../db/errors.js';
import { markets } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { assertCountryInScope, assertStaff, assertTenantAdmin, loadProgramInScope } from '../auth/scope.js';
import { recordAudit } from '../audit.js';
import type { Actor } from '../auth/actor.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { parseInput } from '../validation.js';
import { CommissionBoundsInputSchema, MarketCreateInputSchema, MarketUpdateInputSchema, type CommissionBoundsInput, type MarketCreateInput, type MarketUpdateInput } from './input.js';
import { commissionBoundsOf, type CommissionBounds } from '../../payouts/policies/bounds.js';

type MarketRow = typeof markets.$inferSelect;

export interface MarketView {
  id: string;
  programId: string;
  country: string;
  currency: string;
  defaultLocale: string;
  stage: 'new' | 'mature';
  /**
   * What the market's commission policy may pay at most, in minor units of `currency`; null for
   * affiliates and members, who see no commission terms either.
   */
  commissionBounds: (CommissionBounds & { setByAdmin: boolean }) | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toMarketView = (m: MarketRow): MarketView => ({
  id: m.id,
  programId: m.programId,
  country: m.country,
  currency: m.currency,
  defaultLocale: m.defaultLocale,
  stage: m.stage,
  commissionBounds: commissionBoundsOf(m),
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

export const duplicateMarket = (country: string) =>
  new ConflictError(`The program already has a market for ${country}.`, 'conflict', { field: 'country' });

/** Commission bounds are for those who set or run policies: staff, merchant servers, jobs. */
const seesCommissionTerms = (actor: Actor) => actor.kind !== 'user' || actor.role === 'admin' || actor.role === 'regional_manager';

/** Every market of a program the actor can see (markets are not secret to anyone in the program). */
export async function listMarkets(ctx: ServiceContext, programId: string, page: PageInput = {}): Promise<Page<MarketView>> {
  const program = await loadProgramInScope(ctx, programId);
  const { limit, fetch, cursor } = pageLimit(page);
  const rows = await ctx.db
    .select()
    .from(markets)
    .where(and(eq(markets.programId, program.id), cursor ? gt(markets.id, cursor) : undefined))
    .orderBy(markets.id)
    .limit(fetch);
  const view = seesCommissionTerms(ctx.actor) ? toMarketView : (m: MarketRow) => ({ ...toMarketView(m), commissionBounds: null });
  return toPage(rows, limit, view);
}

export async function createMarket(ctx: ServiceContext, programId: string, raw: MarketCreateInput): Promise<MarketView> {
  const input = parseInput(MarketCreateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertTenantAdmin(tx.actor, program.tenantId);
    const [existing] = await tx.db
      .select({ id: markets.id })
      .from(markets)
      .where(and(eq(markets.programId, program.id), eq(markets.country, input.country)));
    if (existing) throw duplicateMarket(input.country);
    const [row] = await tx.db
      .insert(markets)
      .values({ ...input, programId: program.id })
      .returning()
      .catch((err: unknown) => {
        throw isUniqueViolation(err, 'markets_program_country_uq') ? duplicateMarket(input.country) : err;
      });
    const view = toMarketView(row!);
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'market.created', entityType: 'market', entityId: view.id, after: view });
    return view;
  });
}

/** The program's market, locked for a change; not found otherwise. */
async function lockMarket(tx: ServiceContext, programId: string, marketId: string): Promise<MarketRow> {
  const [row] = await tx.db
    .select()
    .from(markets)
    .where(and(eq(markets.id, marketId), eq(markets.programId, programId)))
    .for('update');
  if (!row) throw new NotFoundError('Market', marketId);
  return row;
}

/** Admins change any market; regional managers only those in their countries (403 out_of_scope). */
export async function updateMarket(ctx: ServiceContext, programId: string, marketId: string, raw: MarketUpdateInput): Promise<MarketView> {
  const input = parseInput(MarketUpdateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertStaff(tx.actor);
    const current = await lockMarket(tx, program.id, marketId);
    assertCountryInScope(tx.actor, current.country);
    // An empty patch changes nothing: answer with the market as it is, and audit nothing.
    if (Object.values(input).every((v) => v === undefined)) return toMarketView(current);
    // Bounds an admin set are amounts of the old currency: a new currency starts from its own defaults.
    const changes = input.currency !== undefined && input.currency !== current.currency ? { ...input, ...NO_BOUNDS } : input;
    const [row] = await tx.db.update(markets).set(changes).where(eq(markets.id, current.id)).returning();
    const before = toMarketView(current);
    const after = toMarketView(row!);
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'market.updated', entityType: 'market', entityId: current.id, before, after });
    return after;
  });
}

const NO_BOUNDS = { commissionMaxSignupAmount: null, commissionMaxSaleAmount: null, commissionMaxPercentBps: null };

/**
 * Sets a market's commission bounds (admins only: they exist so that a regional manager's policy
 * cannot pay more than the tenant allows). Each bound left out or null goes back to the default
 * of the market's currency. Audited with the bounds before and after.
 */
export async function setMarketCommissionBounds(ctx: ServiceContext, programId: string, marketId: string, raw: CommissionBoundsInput): Promise<MarketView> {
  const input = parseInput(CommissionBoundsInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertTenantAdmin(tx.actor, program.tenantId);
    const current = await lockMarket(tx, program.id, marketId);
    const [row] = await tx.db
      .update(markets)
      .set({
        commissionMaxSignupAmount: input.maxSignupAmount ?? null,
        commissionMaxSaleAmount: input.maxSaleAmount ?? null,
        commissionMaxPercentBps: input.maxPercentBps ?? null,
      })
      .where(eq(markets.id, current.id))
      .returning();
    const after = toMarketView(row!);
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'market.commission_bounds_set',
      entityType: 'market',
      entityId: current.id,
      before: { commissionBounds: toMarketView(current).commissionBounds },
      after: { commissionBounds: after.commissionBounds },
    });
    return after;
  });
}
