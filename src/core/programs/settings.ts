import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../errors.js';
import { pointsSettingsSchema } from '../points/settings.js';
import { segmentSettingsSchema } from '../segments/settings.js';
import { tierSettingsSchema } from '../tiers/settings.js';
import { linkSettingsSchema } from '../../tracking/links/settings.js';
import { conversionSettingsSchema } from '../../tracking/conversions/settings.js';
import { fraudSettingsSchema } from '../../tracking/fraud/settings.js';
import { referralSettingsSchema } from '../referrals/settings.js';
import { payoutSettingsSchema } from '../../payouts/payouts/settings.js';
import { issuesFromZod } from '../validation.js';

/**
 * `programs.settings` is namespaced JSON; each domain owns its namespace and the zod schema for
 * it (src/core/<domain>/settings.ts). Register a namespace here and program writes validate it.
 * Namespaces without a schema are kept as given, so a domain can start storing before it lands.
 */
export const SETTINGS_NAMESPACES: Record<string, z.ZodType> = {
  points: pointsSettingsSchema,
  tiers: tierSettingsSchema,
  segments: segmentSettingsSchema,
  links: linkSettingsSchema,
  conversions: conversionSettingsSchema,
  fraud: fraudSettingsSchema,
  referrals: referralSettingsSchema,
  payouts: payoutSettingsSchema,
};

export type ProgramSettings = Record<string, Record<string, unknown>>;
/** A namespace set to null is removed, which brings back its defaults. */
export type ProgramSettingsPatch = Record<string, Record<string, unknown> | null>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const NAMESPACE_NAME = /^[a-z][a-zA-Z0-9]{0,62}$/;

/**
 * Applies a PATCH to stored settings: each namespace in the patch is merged key by key into the
 * stored one (null removes it), untouched namespaces stay as they are, and every namespace that
 * has a schema is validated. Stores what the caller wrote, not the parsed output, so defaults
 * changed later still apply to keys nobody set.
 */
export function mergeProgramSettings(current: Record<string, unknown>, patch: unknown): ProgramSettings {
  if (!isPlainObject(patch)) throw new ValidationError([{ field: 'settings', reason: 'must be an object of namespaces' }]);
  const merged: ProgramSettings = {};
  for (const [ns, value] of Object.entries(current)) if (isPlainObject(value)) merged[ns] = value;
  const issues: FieldIssue[] = [];
  for (const [ns, value] of Object.entries(patch)) {
    if (!NAMESPACE_NAME.test(ns)) {
      issues.push({ field: `settings.${ns}`, reason: 'is not a valid settings namespace name' });
    } else if (value === null) {
      delete merged[ns];
    } else if (!isPlainObject(value)) {
      issues.push({ field: `settings.${ns}`, reason: 'must be an object or null' });
    } else {
      merged[ns] = { ...(merged[ns] ?? {}), ...value };
    }
  }
  if (issues.length) throw new ValidationError(issues);
  return validateProgramSettings(merged, Object.keys(patch));
}

/** Validates the given namespaces (all by default) against their registered schemas. */
export function validateProgramSettings(settings: ProgramSettings, namespaces: string[] = Object.keys(settings)): ProgramSettings {
  const issues: FieldIssue[] = [];
  for (const ns of namespaces) {
    const schema = SETTINGS_NAMESPACES[ns];
    if (!schema || settings[ns] === undefined) continue;
    const result = schema.safeParse(settings[ns]);
    if (!result.success) issues.push(...issuesFromZod(result.error, `settings.${ns}`));
  }
  if (issues.length) throw new ValidationError(issues);
  return settings;
}
