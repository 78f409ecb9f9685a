import { z } from '@hono/zod-openapi';
import { and, eq, gt } from 'drizzle-orm';
import { fxRates } from '../../db/schema/index.js';
import { withTransaction, type ServiceContext } from '../context.js';
import { assertStaff, assertTenantAdmin } from '../core/auth/scope.js';
import { recordAudit } from '../core/audit.js';
import { pageLimit, toPage, type Page, type PageInput } from '../core/pagination.js';
import { CurrencySchema } from '../core/programs/input.js';
import { parseInput } from '../core/validation.js';
import { ConflictError } from '../errors.js';
import { normaliseRate } from './fx.js';

/**
 * Setting and listing exchange rates. A rate is in force from its effective time until the next
 * one of the pair; commissions record the rate and row they used, so rows are never edited: a
 * correction is a new rate from a new time.
 */

// numeric(20,10): up to 10 digits each side of the point. A JSON number is accepted for
// convenience, but only if it prints as such a decimal (1e-7 does not).
const RATE_PATTERN = /^\d{1,10}(\.\d{1,10})?$/;

export const FxRateInputSchema = z
  .strictObject({
    base: CurrencySchema.openapi({ description: 'The currency converted from.', example: 'USD' }),
    quote: CurrencySchema.openapi({ description: 'The currency converted to.', example: 'EUR' }),
    rate: z
      .union([z.string(), z.number()])
      .transform((v) => String(v))
      .refine((v) => RATE_PATTERN.test(v), 'must be a decimal with up to 10 digits before and after the point, e.g. "0.9215"')
      .refine((v) => !RATE_PATTERN.test(v) || /[1-9]/.test(v), 'must be greater than zero')
      .openapi({ description: '1 unit of base = rate units of quote, as a decimal string.', example: '0.9215' }),
    // ISO text, not a Date: the route validates, then the service parses the same value again.
    effectiveAt: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: 'When the rate comes into force; defaults to now. May be in the past (to price held commissions) or the future.' }),
  })
  .refine((v) => v.base !== v.quote, { path: ['quote'], message: 'must differ from base' })
  .openapi('FxRateInput');

export type FxRateInput = z.input<typeof FxRateInputSchema>;

export const FxRateListInputSchema = z.object({
  base: CurrencySchema.optional(),
  quote: CurrencySchema.optional(),
});

export interface FxRateView {
  id: string;
  base: string;
  quote: string;
  rate: string;
  effectiveAt: Date;
  source: string;
  createdBy: string | null;
  createdAt: Date;
}

type FxRateRow = typeof fxRates.$inferSelect;

export const toFxRateView = (r: FxRateRow): FxRateView => ({
  id: r.id,
  base: r.base,
  quote: r.quote,
  rate: normaliseRate(String(r.rate)),
  effectiveAt: r.effectiveAt,
  source: r.source,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

/** Compares decimal strings by value ("0.92" = "0.9200"). */
const sameRate = (a: string, b: string) => normaliseRate(a) === normaliseRate(b);

/**
 * Sets the rate of a pair from a moment on (admins). Idempotent on (base, quote, effectiveAt): the
 * same rate again answers the existing row (`created` false); another rate for that moment is a
 * conflict, because commissions may already have been priced with it.
 */
export async function setFxRate(ctx: ServiceContext, raw: FxRateInput & { tenantId?: string }): Promise<{ rate: FxRateView; created: boolean }> {
  const { tenantId: systemTenantId, ...rest } = raw;
  const tenantId = assertTenantAdmin(ctx.actor, systemTenantId);
  const input = parseInput(FxRateInputSchema, rest);
  const effectiveAt = input.effectiveAt ? new Date(input.effectiveAt) : ctx.clock();
  return withTransaction(ctx, async (tx) => {
    const existingAt = async () =>
      (await tx.db
        .select()
        .from(fxRates)
        .where(and(eq(fxRates.tenantId, tenantId), eq(fxRates.base, input.base), eq(fxRates.quote, input.quote), eq(fxRates.effectiveAt, effectiveAt))))[0];
    const replayOrConflict = (row: FxRateRow) => {
      if (sameRate(String(row.rate), input.rate)) return { rate: toFxRateView(row), created: false };
      throw new ConflictError(`A ${input.base}->${input.quote} rate of ${normaliseRate(String(row.rate))} is already set from ${effectiveAt.toISOString()}.`, 'conflict', {
        field: 'effectiveAt',
        rateId: row.id,
      });
    };
    const existing = await existingAt();
    if (existing) return replayOrConflict(existing);
    const inserted = await tx.db
      .insert(fxRates)
      .values({ tenantId, base: input.base, quote: input.quote, rate: input.rate, effectiveAt, source: 'manual', createdBy: ctx.actor.kind === 'user' ? ctx.actor.userId : null })
      .onConflictDoNothing()
      .returning();
    // A concurrent identical call won the insert: answer as its replay.
    if (!inserted[0]) return replayOrConflict((await existingAt())!);
    const view = toFxRateView(inserted[0]);
    await recordAudit(tx, { tenantId, action: 'fx_rate.set', entityType: 'fx_rate', entityId: view.id, after: view });
    return { rate: view, created: true };
  });
}

/** The tenant's exchange rates, optionally of one base and/or quote currency (staff). Ordered by id (creation). */
export async function listFxRates(ctx: ServiceContext, raw: z.input<typeof FxRateListInputSchema> & PageInput & { tenantId?: string } = {}): Promise<Page<FxRateView>> {
  assertStaff(ctx.actor);
  const { limit, cursor, tenantId: systemTenantId, ...filters } = raw;
  const tenantId = 'tenantId' in ctx.actor ? ctx.actor.tenantId : systemTenantId;
  if (!tenantId) throw new Error('listFxRates needs a tenant: a system caller passes tenantId');
  const input = parseInput(FxRateListInputSchema, filters, 'query');
  const page = pageLimit({ limit, cursor });
  const rows = await ctx.db
    .select()
    .from(fxRates)
    .where(
      and(
        eq(fxRates.tenantId, tenantId),
        input.base ? eq(fxRates.base, input.base) : undefined,
        input.quote ? eq(fxRates.quote, input.quote) : undefined,
        page.cursor ? gt(fxRates.id, page.cursor) : undefined,
      ),
    )
    .orderBy(fxRates.id)
    .limit(page.fetch);
  return toPage(rows, page.limit, toFxRateView);
}
