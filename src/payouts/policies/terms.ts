import { z } from '@hono/zod-openapi';
import { CountrySchema } from '../../core/members/member-input.js';
import { CurrencySchema } from '../../core/programs/input.js';
import type { PolicyTerms } from '../commission-math.js';

/**
 * The terms a manager sets for a market (one new policy version), as the API and the preview take
 * them. Cross-field rules that need no database live here; effective dates against the existing
 * versions are checked by the service.
 */

export const DEFAULT_MARKET = 'default';
export const DEFAULT_HOLD_DAYS = 30;

const MinorAmount = z.number().int().min(0).max(1_000_000_000_000);

// Kept as ISO text (not transformed to a Date) so parsing stays idempotent: the route validates the
// body, then the service parses it again.
const Instant = z.iso.datetime({ offset: true });

export const PolicyTermsInputSchema = z
  .strictObject({
    mode: z.enum(['per_signup', 'per_transaction']).openapi({ description: '`per_signup` pays a flat amount per qualified signup (new markets); `per_transaction` a share of each completed sale (mature markets).' }),
    currency: CurrencySchema.optional().openapi({ description: "The currency of the amounts below; defaults to the market's (the payout currency for `default`)." }),
    signupAmount: MinorAmount.nullable().optional().openapi({ description: 'per_signup: minor units paid per signup.', example: 500 }),
    percentBps: z.number().int().min(0).max(100_000).nullable().optional().openapi({ description: 'per_transaction (or after the switch): basis points of the sale amount (1000 = 10%).', example: 1000 }),
    flatAmount: MinorAmount.optional().openapi({ description: 'per_transaction: minor units added per sale. Default 0.' }),
    minAmount: MinorAmount.nullable().optional().openapi({ description: 'per_transaction: the least a sale pays (before the tier multiplier).' }),
    maxAmount: MinorAmount.nullable().optional().openapi({ description: 'per_transaction: the most a sale pays (before the tier multiplier).' }),
    holdDays: z.number().int().min(0).max(365).optional().openapi({ description: `Days a commission waits before approval (sales: from completion). Default ${DEFAULT_HOLD_DAYS}.` }),
    attributionWindowDays: z.number().int().min(1).max(365).optional().openapi({ description: "Last-click window in days. Default: the program's `links.attributionWindowDays`." }),
    switchToPerTransactionAt: Instant.nullable().optional().openapi({ description: 'per_signup only: from this moment the market pays per transaction with the percent terms.' }),
    effectiveFrom: Instant.optional().openapi({ description: "When this version takes effect; default now. May be in the future; never before the latest version's." }),
    note: z.string().trim().max(500).nullable().optional().openapi({ description: 'Why the terms changed (kept with the version).' }),
  })
  .superRefine((t, issue) => {
    const fail = (field: string, message: string) => issue.addIssue({ code: 'custom', path: [field], message });
    if (t.mode === 'per_signup' && (t.signupAmount === undefined || t.signupAmount === null)) fail('signupAmount', 'is required when mode is per_signup');
    if (t.mode === 'per_transaction') {
      if (t.percentBps === undefined || t.percentBps === null) fail('percentBps', 'is required when mode is per_transaction');
      if (t.signupAmount !== undefined && t.signupAmount !== null) fail('signupAmount', 'applies only when mode is per_signup');
      if (t.switchToPerTransactionAt) fail('switchToPerTransactionAt', 'applies only when mode is per_signup');
    }
    if (t.switchToPerTransactionAt && (t.percentBps === undefined || t.percentBps === null)) {
      fail('percentBps', 'is required with switchToPerTransactionAt (the terms paid after the switch)');
    }
    if (typeof t.minAmount === 'number' && typeof t.maxAmount === 'number' && t.minAmount > t.maxAmount) fail('maxAmount', 'must not be below minAmount');
  })
  .openapi('CommissionPolicyTermsInput');

export type PolicyTermsInput = z.input<typeof PolicyTermsInputSchema>;
export type ParsedPolicyTerms = z.output<typeof PolicyTermsInputSchema>;

/** A market path segment: a country code, or `default` for the program's fallback policy. */
export const PolicyMarketSchema = z.union([z.literal(DEFAULT_MARKET), CountrySchema]);

export const countryOfMarket = (market: string): string | null => (market === DEFAULT_MARKET ? null : market);
export const marketOfCountry = (country: string | null): string => country ?? DEFAULT_MARKET;

/** The complete terms of a new version once defaults (currency, hold, window) are known. */
export function completeTerms(input: ParsedPolicyTerms, defaults: { currency: string; attributionWindowDays: number }): PolicyTerms & { note: string | null } {
  return {
    mode: input.mode,
    currency: input.currency ?? defaults.currency,
    signupAmount: input.signupAmount ?? null,
    percentBps: input.percentBps ?? null,
    flatAmount: input.flatAmount ?? 0,
    minAmount: input.minAmount ?? null,
    maxAmount: input.maxAmount ?? null,
    holdDays: input.holdDays ?? DEFAULT_HOLD_DAYS,
    attributionWindowDays: input.attributionWindowDays ?? defaults.attributionWindowDays,
    switchToPerTransactionAt: input.switchToPerTransactionAt ? new Date(input.switchToPerTransactionAt) : null,
    note: input.note ?? null,
  };
}

/** Whether two sets of terms pay exactly alike (and carry the same note). */
export function sameTerms(a: PolicyTerms & { note: string | null }, b: PolicyTerms & { note: string | null }): boolean {
  return (
    a.mode === b.mode &&
    a.currency === b.currency &&
    a.signupAmount === b.signupAmount &&
    a.percentBps === b.percentBps &&
    a.flatAmount === b.flatAmount &&
    a.minAmount === b.minAmount &&
    a.maxAmount === b.maxAmount &&
    a.holdDays === b.holdDays &&
    a.attributionWindowDays === b.attributionWindowDays &&
    (a.switchToPerTransactionAt?.getTime() ?? null) === (b.switchToPerTransactionAt?.getTime() ?? null) &&
    a.note === b.note
  );
}
