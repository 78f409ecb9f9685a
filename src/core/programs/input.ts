import { z } from '@hono/zod-openapi';
import { CountrySchema, LocaleSchema } from '../members/member-input.js';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const CurrencySchema = z
  .string()
  .refine((c) => CURRENCIES.has(c), 'must be an ISO 4217 currency code in upper case, e.g. EUR')
  .openapi({ example: 'EUR' });

export const MARKET_STAGES = ['new', 'mature'] as const;

const NameSchema = z.string().trim().min(1).max(200).openapi({ example: 'Acme Partners' });
const SettingsPatchSchema = z
  .record(z.string(), z.record(z.string(), z.unknown()).nullable())
  .openapi({ description: 'Namespaced settings; each namespace given is merged into the stored one, null removes it.', example: { points: { pendingDays: 14 } } });

export const MarketCreateInputSchema = z
  .strictObject({
    country: CountrySchema,
    currency: CurrencySchema,
    defaultLocale: LocaleSchema,
    stage: z.enum(MARKET_STAGES).optional(),
  })
  .openapi('MarketCreateInput');

export const MarketUpdateInputSchema = z
  .strictObject({
    currency: CurrencySchema.optional(),
    defaultLocale: LocaleSchema.optional(),
    stage: z.enum(MARKET_STAGES).optional(),
  })
  .openapi('MarketUpdateInput');

const BoundAmount = z.number().int().min(0).max(1_000_000_000_000).nullable().optional();

/** An admin's bounds on a market's commission terms (src/payouts/policies/bounds.ts); null or left out: the currency's default. */
export const CommissionBoundsInputSchema = z
  .strictObject({
    maxSignupAmount: BoundAmount.openapi({ description: 'Minor units of the market currency: the most one signup may pay.', example: 200_000 }),
    maxSaleAmount: BoundAmount.openapi({ description: 'Minor units of the market currency: the most the flat part, and the minimum, of one sale may be.' }),
    maxPercentBps: z.number().int().min(0).max(100_000).nullable().optional().openapi({ description: 'Basis points of a sale: the largest share a policy may pay (5000 = 50%).' }),
  })
  .openapi('CommissionBoundsInput');

export const ProgramCreateInputSchema = z
  .strictObject({
    name: NameSchema,
    payoutCurrency: CurrencySchema,
    defaultLocale: LocaleSchema.optional(),
    settings: SettingsPatchSchema.optional(),
    markets: z.array(MarketCreateInputSchema).max(250).optional(),
  })
  .openapi('ProgramCreateInput');

export const ProgramUpdateInputSchema = z
  .strictObject({
    name: NameSchema.optional(),
    payoutCurrency: CurrencySchema.optional(),
    defaultLocale: LocaleSchema.optional(),
    settings: SettingsPatchSchema.optional(),
  })
  .openapi('ProgramUpdateInput');

export type ProgramCreateInput = z.input<typeof ProgramCreateInputSchema>;
export type ProgramUpdateInput = z.input<typeof ProgramUpdateInputSchema>;
export type MarketCreateInput = z.input<typeof MarketCreateInputSchema>;
export type MarketUpdateInput = z.input<typeof MarketUpdateInputSchema>;
export type CommissionBoundsInput = z.input<typeof CommissionBoundsInputSchema>;
