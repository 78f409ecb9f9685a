import type { customFieldDefinitions } from '../../../db/schema/index.js';
import type { FieldIssue } from '../../errors.js';

export type CustomFieldDefinition = typeof customFieldDefinitions.$inferSelect;
export type CustomFieldType = CustomFieldDefinition['type'];

/** The subset of a definition the validator looks at (tests and imports may pass plain objects). */
type DefinitionShape = Pick<CustomFieldDefinition, 'key' | 'type' | 'required' | 'enumValues'>;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NUMERIC_STRING = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** True for a real calendar date written YYYY-MM-DD (rejects 2024-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Turns one raw value into the stored form for a field type. String forms ("42", "true",
 * "2024-01-31") are accepted because CSV imports carry every value as text.
 */
export function coerceCustomFieldValue(def: Pick<DefinitionShape, 'type' | 'enumValues'>, raw: unknown): Coerced {
  switch (def.type) {
    case 'string':
      if (typeof raw === 'string') return { ok: true, value: raw };
      if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: String(raw) };
      return { ok: false, reason: 'must be a string' };
    case 'number': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, reason: 'must be a finite number' };
      if (typeof raw === 'string' && NUMERIC_STRING.test(raw.trim())) return { ok: true, value: Number(raw.trim()) };
      return { ok: false, reason: 'must be a number' };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (s === 'true' || s === '1' || s === 'yes') return { ok: true, value: true };
        if (s === 'false' || s === '0' || s === 'no') return { ok: true, value: false };
      }
      return { ok: false, reason: 'must be true or false' };
    }
    case 'date':
      if (typeof raw === 'string' && isIsoDate(raw.trim())) return { ok: true, value: raw.trim() };
      return { ok: false, reason: 'must be a date in YYYY-MM-DD form' };
    case 'enum': {
      const allowed = def.enumValues ?? [];
      const s = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
      if (s !== undefined && allowed.includes(s)) return { ok: true, value: s };
      return { ok: false, reason: `must be one of: ${allowed.join(', ')}` };
    }
  }
}

/** Missing means absent, null or an empty string (an empty CSV cell). */
function isMissing(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === '';
}

/**
 * Validates custom field values against a program's definitions and returns them coerced to their
 * stored types. `partial` (updates, sparse imports) skips the required check for absent keys; a
 * null value then means "clear this field", which is refused for required fields. Pure and
 * synchronous, so the importer can run it per row.
 */
export function validateCustomFields(
  definitions: DefinitionShape[],
  values: unknown,
  opts: { partial: boolean },
): { value: Record<string, unknown>; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const value: Record<string, unknown> = {};
  if (values === undefined || values === null) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    return { value, issues: [{ field: 'customFields', reason: 'must be an object' }] };
  }
  const input = values as Record<string, unknown>;
  const byKey = new Map(definitions.map((d) => [d.key, d]));

  for (const key of Object.keys(input)) {
    if (!byKey.has(key)) issues.push({ field: `customFields.${key}`, reason: 'is not a custom field of this program' });
  }
  for (const def of definitions) {
    const field = `customFields.${def.key}`;
    const present = Object.prototype.hasOwnProperty.call(input, def.key);
    const raw = input[def.key];
    if (isMissing(raw)) {
      if (def.required && (!opts.partial || present)) issues.push({ field, reason: 'is required' });
      else if (present && opts.partial) value[def.key] = null;
      continue;
    }
    const coerced = coerceCustomFieldValue(def, raw);
    if (coerced.ok) value[def.key] = coerced.value;
    else issues.push({ field, reason: coerced.reason });
  }
  return { value, issues };
}

/**
 * Applies a validated partial update to stored values: null clears a key. The result holds only
 * keys with values.
 */
export function mergeCustomFields(stored: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stored };
  for (const [key, v] of Object.entries(update)) {
    if (v === null) delete merged[key];
    else merged[key] = v;
  }
  return merged;
}
