import { and, eq, gt } from 'drizzle-orm';
import { isUniqueViolation } from '../../../db/errors.js';
import { markets } from '../../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../../context.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { assertCountryInScope, assertStaff, assertTenantAdmin, loadProgramInScope } from '../auth/scope.js';
import { recordAudit } from '../audit.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { parseInput } from '../validation.js';
import { MarketCreateInputSchema, MarketUpdateInputSchema, type MarketCreateInput, type MarketUpdateInput } from './input.js';

type MarketRow = typeof markets.$inferSelect;

export interface MarketView {
  id: string;
  programId: string;
  country: string;
  currency: string;
  defaultLocale: string;
  stage: 'new' | 'mature';
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
  createdAt: m.createdAt,
  updatedAt: m.updatedAt,
});

export const duplicateMarket = (country: string) =>
  new ConflictError(`The program already has a market for ${country}.`, 'conflict', { field: 'country' });

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
  return toPage(rows, limit, toMarketView);
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

/** Admins change any market; regional managers only those in their countries (403 out_of_scope). */
export async function updateMarket(ctx: ServiceContext, programId: string, marketId: string, raw: MarketUpdateInput): Promise<MarketView> {
  const input = parseInput(MarketUpdateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    assertStaff(tx.actor);
    const [current] = await tx.db
      .select()
      .from(markets)
      .where(and(eq(markets.id, marketId), eq(markets.programId, program.id)))
      .for('update');
    if (!current) throw new NotFoundError('Market', marketId);
    assertCountryInScope(tx.actor, current.country);
    // An empty patch changes nothing: answer with the market as it is, and audit nothing.
    if (Object.values(input).every((v) => v === undefined)) return toMarketView(current);
    const [row] = await tx.db.update(markets).set(input).where(eq(markets.id, current.id)).returning();
    const before = toMarketView(current);
    const after = toMarketView(row!);
    await recordAudit(tx, { tenantId: program.tenantId, programId: program.id, action: 'market.updated', entityType: 'market', entityId: current.id, before, after });
    return after;
  });
}
