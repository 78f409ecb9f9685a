import { z } from 'zod';
import type { programs } from '../../../db/schema/index.js';
import { parseInput } from '../validation.js';

/**
 * `programs.settings.points`. Every key is optional in storage.
 * - pendingDays: days earned points wait before they can be spent (returns window);
 * - expiryMonths: months until earned points expire; null means they never do;
 * - pointsPerUnit: points per 1.00 of order currency, up to 4 decimals (0.5 = one point per 2.00).
 */
export const pointsSettingsSchema = z.object({
  pendingDays: z.number().int().min(0).max(365).default(0),
  expiryMonths: z.number().int().min(1).max(240).nullable().default(24),
  pointsPerUnit: z
    .number()
    .min(0)
    .max(10_000)
    .refine((v) => Number.isInteger(Math.round(v * 10_000)) && Math.abs(v * 10_000 - Math.round(v * 10_000)) < 1e-6, 'at most 4 decimals')
    .default(1),
});

export type PointsSettings = z.output<typeof pointsSettingsSchema>;

/** Validates a `settings.points` value; issues name `settings.points.<key>`. */
export function parsePointsSettings(raw: unknown): PointsSettings {
  return parseInput(pointsSettingsSchema, raw ?? {}, 'settings.points');
}

/** The program's points settings, defaults filled in. */
export function pointsSettings(program: Pick<typeof programs.$inferSelect, 'settings'>): PointsSettings {
  return parsePointsSettings((program.settings ?? {})['points']);
}
