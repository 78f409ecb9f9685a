import { issuesFromZod, unstorableInputIssues } from '../../validation.js';
import type { FieldIssue } from '../../../errors.js';
import { validateCustomFields, type CustomFieldDefinition } from '../custom-fields.js';
import { MemberUpdateInputSchema, normalizeEmail } from '../member-input.js';
import type { RawMemberRow } from './format.js';

/** Member attributes a row sets; a key left out keeps the stored value, null clears it. */
export interface RowAttributes {
  externalId?: string | null;
  name?: string;
  email?: string | null;
  phone?: string | null;
  birthday?: string | null;
  country?: string | null;
  locale?: string | null;
  source?: string;
  status?: 'active' | 'inactive' | 'blocked';
}

/** A row that passed every check that needs no database. */
export interface ValidRow {
  line: number;
  externalId: string | null;
  emailNormalized: string | null;
  attributes: RowAttributes;
  /** Coerced custom field values to merge; null clears a field. Undefined: the row carries none. */
  customFields?: Record<string, unknown>;
  /** undefined: keep the member's tier; null: the row leaves tier empty (also kept, see docs). */
  tierId?: string | null;
  pointsBalance?: number;
  referredByExternalId?: string;
}

export interface RowContext {
  definitions: Pick<CustomFieldDefinition, 'key' | 'type' | 'required' | 'enumValues'>[];
  /** Lower-cased tier name -> tier id, live tiers of the program only. */
  tierIdsByName: ReadonlyMap<string, string>;
}

const asText = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);

/** A whole, non-negative number of points, given as a JSON number or CSV text. */
function parsePointsBalance(raw: unknown): { points: number } | { reason: string } {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return { reason: 'must be a whole, non-negative number of points' };
  return { points: n };
}

/** Checks one raw row on its own (form, custom field types, tier name); matching comes later. */
export function validateImportRow(line: number, raw: RawMemberRow, ctx: RowContext): { ok: true; row: ValidRow } | { ok: false; issues: FieldIssue[] } {
  // Input no column can store (a NUL, a lone surrogate, deep nesting) is the row's only issue: the
  // checks below would echo it into reasons, which are stored too.
  const textIssues = [
    ...unstorableInputIssues(raw.values),
    ...unstorableInputIssues(raw.customFields, 'customFields'),
    ...unstorableInputIssues(Object.fromEntries(raw.unknownKeys.map((key) => [key, null]))),
  ];
  if (textIssues.length) return { ok: false, issues: textIssues };
  const issues: FieldIssue[] = raw.unknownKeys.map((key) => ({ field: key, reason: 'is not a known field' }));
  const v = raw.values;
  const candidate: Record<string, unknown> = {};
  for (const key of ['externalId', 'email', 'name', 'phone', 'birthday', 'country', 'locale', 'source', 'status'] as const) {
    if (!(key in v)) continue;
    const value = asText(v[key]);
    // name, source and status cannot be null in storage: an empty cell keeps the stored value.
    if (value === null && (key === 'name' || key === 'source' || key === 'status')) continue;
    candidate[key] = value;
  }
  const parsed = MemberUpdateInputSchema.safeParse(candidate);
  if (!parsed.success) issues.push(...issuesFromZod(parsed.error));
  const attributes = (parsed.success ? parsed.data : {}) as RowAttributes;

  let customFields: Record<string, unknown> | undefined;
  if (raw.customFields !== undefined) {
    const checked = validateCustomFields(ctx.definitions, raw.customFields, { partial: true });
    issues.push(...checked.issues);
    customFields = checked.value;
  }

  let tierId: string | null | undefined;
  if ('tier' in v) {
    const name = asText(v.tier);
    if (name === null) tierId = null;
    else if (typeof name !== 'string') issues.push({ field: 'tier', reason: 'must be a tier name' });
    else {
      tierId = ctx.tierIdsByName.get(name.trim().toLowerCase());
      if (!tierId) issues.push({ field: 'tier', reason: `is not a tier of this program: ${name}` });
    }
  }

  let pointsBalance: number | undefined;
  if (v.pointsBalance !== undefined && v.pointsBalance !== null) {
    const points = parsePointsBalance(v.pointsBalance);
    if ('points' in points) pointsBalance = points.points;
    else issues.push({ field: 'pointsBalance', reason: points.reason });
  }

  let referredByExternalId: string | undefined;
  const referrer = asText(v.referredByExternalId);
  if (referrer !== undefined && referrer !== null) {
    if (typeof referrer !== 'string' || !referrer.trim()) issues.push({ field: 'referredByExternalId', reason: 'must be an externalId' });
    else referredByExternalId = referrer.trim();
  }

  const externalId = attributes.externalId ?? null;
  const emailNormalized = attributes.email ? normalizeEmail(attributes.email) : null;
  if (!issues.length && !externalId && !emailNormalized) {
    issues.push({ field: 'externalId', reason: 'a row needs an externalId or an email to be matched' });
  }
  if (referredByExternalId && referredByExternalId === externalId) {
    issues.push({ field: 'referredByExternalId', reason: 'a member cannot refer themselves' });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, row: { line, externalId, emailNormalized, attributes, customFields, tierId, pointsBalance, referredByExternalId } };
}

/** The keys a row is matched by, read without full validation (duplicate detection, resumption). */
export function rowKeys(raw: RawMemberRow): { externalId: string | null; emailNormalized: string | null } {
  const ext = asText(raw.values.externalId);
  const email = asText(raw.values.email);
  return {
    externalId: typeof ext === 'string' && ext.trim() ? ext.trim() : null,
    emailNormalized: typeof email === 'string' && email.trim() ? normalizeEmail(email) : null,
  };
}
