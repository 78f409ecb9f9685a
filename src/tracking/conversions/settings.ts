import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';

export const RECURRING_MODES = ['lifetime', 'last_click'] as const;
export type RecurringMode = (typeof RECURRING_MODES)[number];

const conversionSettingsFields = {
  /**
   * Who later sales of a customer already bound to a partner go to: `lifetime` keeps them with the
   * partner of the customer's first attributed conversion; `last_click` lets each sale's own evidence
   * (else the customer's last click within the window) decide.
   */
  recurring: z.enum(RECURRING_MODES).default('lifetime'),
  /** Refuse merchant calls that do not carry a valid `Trellis-Signature` header. */
  requireSignature: z.boolean().default(false),
};

/** `programs.settings.conversions`. Every key is optional in storage. */
export const conversionSettingsSchema = z.strictObject(conversionSettingsFields);

export type ConversionSettings = z.output<typeof conversionSettingsSchema>;

/**
 * The program's `conversions` settings with defaults filled in. Writes are validated; a bad stored
 * value (a direct database edit) falls back to its default on its own rather than stopping intake.
 */
export function conversionSettingsOf(program: Pick<typeof programs.$inferSelect, 'settings'>): ConversionSettings {
  const raw = (program.settings ?? {})['conversions'];
  const parsed = conversionSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(conversionSettingsFields)) {
    const field = (schema as z.ZodType).safeParse(stored[key]);
    out[key] = field.success ? field.data : (schema as z.ZodType).parse(undefined);
  }
  return out as ConversionSettings;
}
