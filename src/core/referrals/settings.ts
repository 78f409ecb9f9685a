import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';

const Points = z.number().int().min(0).max(1_000_000_000);

/** Points for both sides of one referral event; 0 grants nothing to that side. */
const sidesSchema = z.strictObject({ referrerPoints: Points.default(0), friendPoints: Points.default(0) });
const NO_REWARD = { referrerPoints: 0, friendPoints: 0 };

const referralSettingsFields = {
  /** When the friend signs up through the referrer's invite link. */
  signup: sidesSchema.default(NO_REWARD),
  /** When the friend's first completed sale comes in (once per friend). */
  firstPurchase: sidesSchema.default(NO_REWARD),
  /** Most referral points one member can receive per calendar month (UTC), both sides counted; null: no cap. */
  monthlyCapPoints: Points.nullable().default(null),
};

/** `programs.settings.referrals` (member-get-member rewards). Everything defaults to off. */
export const referralSettingsSchema = z.strictObject(referralSettingsFields);

export type ReferralSettings = z.output<typeof referralSettingsSchema>;

/**
 * The program's `referrals` settings with defaults filled in. Writes are validated; a bad stored
 * value (a direct database edit) falls back to its own default rather than failing processing.
 */
export function referralSettingsOf(program: Pick<typeof programs.$inferSelect, 'settings'>): ReferralSettings {
  const raw = (program.settings ?? {})['referrals'];
  const parsed = referralSettingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(referralSettingsFields)) {
    const field = (schema as z.ZodType).safeParse(stored[key]);
    out[key] = field.success ? field.data : (schema as z.ZodType).parse(undefined);
  }
  return out as ReferralSettings;
}
