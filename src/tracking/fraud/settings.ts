import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';

const fraudSettingsFields = {
  /** A conversion this soon after its click (or before it) is click injection; 0 turns the rule off. */
  minClickToConversionSeconds: z.number().int().min(0).max(86_400).default(10),
  /** Hold conversions attributed without any click (by promo code or the customer's binding alone). */
  flagNoClick: z.boolean().default(false),
  /** More conversions than this from one IP hash within an hour are held; null turns the rule off. */
  maxConversionsPerIpPerHour: z.number().int().min(1).max(1_000_000).nullable().default(5),
  /** More conversions than this on one link within an hour are held; null turns the rule off. */
  maxConversionsPerLinkPerHour: z.number().int().min(1).max(1_000_000).nullable().default(100),
};

/** `programs.settings.fraud`. Every key is optional in storage. */
export const fraudSettingsSchema = z.strictObject(fraudSettingsFields);

export type FraudSettings = z.output<typeof fraudSettingsSchema>;

/**
 * The program's `fraud` settings with defaults filled in. Writes are validated; a bad stored value
 * (a direct database edit) falls back to its own default rather than stopping conversion processing.
 */
export function fraudSettingsOf(program: Pick<typeof programs.$inferSelect, 'settings'>): FraudSettings {
  const raw = (program.settings ?? {})['fraud'];
  const parsed = fraudSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(fraudSettingsFields)) {
    const field = (schema as z.ZodType).safeParse(stored[key]);
    out[key] = field.success ? field.data : (schema as z.ZodType).parse(undefined);
  }
  return out as FraudSettings;
}
