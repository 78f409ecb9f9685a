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
