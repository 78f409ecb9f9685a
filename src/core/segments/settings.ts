import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';
import { ValidationError } from '../../errors.js';

const days = (fallback: number) => z.number().int().min(1).max(3650).default(fallback);
const orders = (fallback: number) => z.number().int().min(1).max(10_000).default(fallback);
const minorUnits = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/**
 * `programs.settings.segments`: the RFM thresholds (see docs/segments.md for what each one means).
 * Every key is optional in storage; the defaults suit a typical consumer shop.
 */
export const segmentSettingsSchema = z
  .object({
    /** Orders and spend are counted over this many days back from the computation. */
    windowDays: days(365),
    /** Net spend in the window (minor units) that makes a member a big spender. */
    bigSpenderMinSpend: minorUnits.default(50_000),
    /**
     * Per-currency overrides of bigSpenderMinSpend (e.g. `{ "BRL": 250000 }`): a member's spend is
     * measured in their market's currency, and minor units of different currencies are not alike.
     */
    bigSpenderMinSpendByCurrency: z.record(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'), minorUnits).default({}),
    /** Orders in the window that make a member loyal. */
    loyalMinOrders: orders(5),
    /** Orders in the window that make a member returning rather than new. */
    returningMinOrders: orders(2),
    /** Days without an order after which a member is at risk. */
    atRiskAfterDays: days(90),
    /** Days without an order after which a member is churned. */
    churnedAfterDays: days(180),
  })
  .superRefine((s, ctx) => {
    // Otherwise a segment could never be reached, which is surely a mistake in the settings.
    if (s.churnedAfterDays <= s.atRiskAfterDays) {
      ctx.addIssue({ code: 'custom', path: ['churnedAfterDays'], message: 'must be greater than atRiskAfterDays' });
    }
    if (s.loyalMinOrders <= s.returningMinOrders) {
      ctx.addIssue({ code: 'custom', path: ['loyalMinOrders'], message: 'must be greater than returningMinOrders' });
    }
  });

export type SegmentSettings = z.output<typeof segmentSettingsSchema>;

export const DEFAULT_SEGMENT_SETTINGS: SegmentSettings = segmentSettingsSchema.parse({});

/** Validates a `settings.segments` value; issues name `settings.segments.<key>`. */
export function parseSegmentSettings(raw: unknown): SegmentSettings {
  const result = segmentSettingsSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: ['settings', 'segments', ...issue.path.map(String)].join('.'),
      reason: issue.message,
    })),
  );
}

/** The big-spender threshold for spend in `currency`. */
export function bigSpenderThreshold(s: SegmentSettings, currency: string): number {
  return s.bigSpenderMinSpendByCurrency[currency] ?? s.bigSpenderMinSpend;
}

/** The program's segment thresholds, defaults filled in. */
export function segmentSettings(program: Pick<typeof programs.$inferSelect, 'settings'>): SegmentSettings {
  return parseSegmentSettings((program.settings ?? {})['segments']);
}
