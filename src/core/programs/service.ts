import { and, eq, gt, type SQL } from 'drizzle-orm';
import { markets, programs } from '../../../db/schema/index.js';
import { publishAfterCommit, withTransaction, type ServiceContext } from '../../context.js';
import { NotFoundError } from '../../errors.js';
import type { Actor } from '../auth/actor.js';
import { assertTenantAdmin, loadProgramInScope, type Program } from '../auth/scope.js';
import { recordAudit } from '../audit.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { parseInput } from '../validation.js';
import { ProgramCreateInputSchema, ProgramUpdateInputSchema, type ProgramCreateInput, type ProgramUpdateInput } from './input.js';
import { duplicateMarket, toMarketView, type MarketView } from './markets.js';
import { mergeProgramSettings } from './settings.js';

export interface ProgramView {
  id: string;
  name: string;
  payoutCurrency: string;
  defaultLocale: string;
  settings: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const toProgramView = (p: Program): ProgramView => ({
  id: p.id,
  name: p.name,
  payoutCurrency: p.payoutCurrency,
  defaultLocale: p.defaultLocale,
  settings: p.settings,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});


/** Creates a program, optionally with its first markets, in one transaction. */
export async function createProgram(
  ctx: ServiceContext,
  raw: ProgramCreateInput & { tenantId?: string },
): Promise<ProgramView & { markets: MarketView[] }> {
  const tenantId = assertTenantAdmin(ctx.actor, raw.tenantId);
  const { tenantId: _ignored, ...rest } = raw;
  const input = parseInput(ProgramCreateInputSchema, rest);
  const settings = mergeProgramSettings({}, input.settings ?? {});
  return withTransaction(ctx, async (tx) => {
    const [program] = await tx.db
      .insert(programs)
      .values({ tenantId, name: input.name, payoutCurrency: input.payoutCurrency, defaultLocale: input.defaultLocale ?? 'en', settings })
      .returning();
    const view = toProgramView(program!);
    await recordAudit(tx, { tenantId, programId: view.id, action: 'program.created', entityType: 'program', entityId: view.id, after: view });
    const created: MarketView[] = [];
    for (const m of input.markets ?? []) {
      if (created.some((c) => c.country === m.country)) throw duplicateMarket(m.country);
      const [row] = await tx.db.insert(markets).values({ ...m, programId: view.id }).returning();
      const market = toMarketView(row!);
      await recordAudit(tx, { tenantId, programId: view.id, action: 'market.created', entityType: 'market', entityId: market.id, after: market });
      created.push(market);
    }
    return { ...view, markets: created };
  });
}

/** Programs the actor can see: the whole tenant for staff, the one program for everyone else. */
function programListCondition(actor: Actor): SQL | undefined {
  switch (actor.kind) {
    case 'system':
      return undefined;
    case 'api_key':
      return eq(programs.id, actor.programId);
    case 'user':
      if (actor.role === 'affiliate' || actor.role === 'member') return and(eq(programs.tenantId, actor.tenantId), eq(programs.id, actor.programId));
      return eq(programs.tenantId, actor.tenantId);
  }
}

export async function listPrograms(ctx: ServiceContext, page: PageInput = {}): Promise<Page<ProgramView>> {
  const { limit, fetch, cursor } = pageLimit(page);
  const rows = await ctx.db
    .select()
    .from(programs)
    .where(and(programListCondition(ctx.actor), cursor ? gt(programs.id, cursor) : undefined))
    .orderBy(programs.id)
    .limit(fetch);
  return toPage(rows, limit, toProgramView);
}

export async function getProgram(ctx: ServiceContext, programId: string): Promise<ProgramView> {
  return toProgramView(await loadProgramInScope(ctx, programId));
}

/** Changes a program; `settings` is merged per namespace (see mergeProgramSettings). */
export async function updateProgram(ctx: ServiceContext, programId: string, raw: ProgramUpdateInput): Promise<ProgramView> {
  const input = parseInput(ProgramUpdateInputSchema, raw);
  return withTransaction(ctx, async (tx) => {
    const visible = await loadProgramInScope(tx, programId);
    const tenantId = assertTenantAdmin(tx.actor, visible.tenantId);
    // Locked so two concurrent settings patches merge one after the other instead of losing one;
    // NO KEY UPDATE so rows that reference the program (ledger entries...) can still be written.
    const [current] = await tx.db.select().from(programs).where(eq(programs.id, visible.id)).for('no key update');
    if (!current) throw new NotFoundError('Program', programId);
    const settings = input.settings ? mergeProgramSettings(current.settings, input.settings) : undefined;
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.payoutCurrency !== undefined ? { payoutCurrency: input.payoutCurrency } : {}),
      ...(input.defaultLocale !== undefined ? { defaultLocale: input.defaultLocale } : {}),
      ...(settings ? { settings } : {}),
    };
    // An empty patch changes nothing: answer with the program as it is, and audit nothing.
    if (Object.keys(changes).length === 0) return toProgramView(current);
    const [row] = await tx.db.update(programs).set(changes).where(eq(programs.id, current.id)).returning();
    const before = toProgramView(current);
    const after = toProgramView(row!);
    await recordAudit(tx, { tenantId, programId: current.id, action: 'program.updated', entityType: 'program', entityId: current.id, before, after });
    // Link caches in every API process hold settings (allowed hosts, fallback URL): drop them.
    if (settings) publishAfterCommit(tx, { topic: 'program', programId: current.id });
    return after;
  });
}
