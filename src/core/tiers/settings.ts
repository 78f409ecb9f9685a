import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';
import { ValidationError } from '../../errors.js';

/**
 * `programs.settings.tiers`: how tier qualification is measured and whether members can lose a
 * tier. Every key is optional in storage. See docs/tiers.md for the downgrade rule.
 */
export const tierSettingsSchema = z.object({
  /** Metrics are summed over this many months back from the moment of evaluation. */
  windowMonths: z.number().int().min(1).max(120).default(12),
  /** Off by default: a member keeps a standard tier once earned until this is switched on. */
  downgradeEnabled: z.boolean().default(false),
  /** Days after an evaluation date during which a member may still requalify. */
  downgradeGraceDays: z.number().int().min(0).max(365).default(30),
});

export type TierSettings = z.output<typeof tierSettingsSchema>;

export const DEFAULT_TIER_SETTINGS: TierSettings = tierSettingsSchema.parse({});

/** Validates a `settings.tiers` value; issues name `settings.tiers.<key>`. */
export function parseTierSettings(raw: unknown): TierSettings {
  const result = tierSettingsSchema.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: ['settings', 'tiers', ...issue.path.map(String)].join('.'),
      reason: issue.message,
    })),
  );
}

/** The program's tier settings, defaults filled in. */
export function tierSettings(program: Pick<typeof programs.$inferSelect, 'settings'>): TierSettings {
  return parseTierSettings((program.settings ?? {})['tiers']);
}
