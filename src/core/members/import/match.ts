import type { members } from '../../../../db/schema/index.js';
import type { FieldIssue } from '../../../errors.js';
import { mergeCustomFields, type CustomFieldDefinition } from '../custom-fields.js';
import { normalizeEmail } from '../member-input.js';
import type { ValidRow } from './validate-row.js';

type MemberRow = typeof members.$inferSelect;
/** The stored columns an import compares and writes. */
export type ImportedMember = Pick<
  MemberRow,
  | 'id'
  | 'externalId'
  | 'name'
  | 'email'
  | 'emailNormalized'
  | 'phone'
  | 'birthday'
  | 'country'
  | 'locale'
  | 'source'
  | 'status'
  | 'customFields'
  | 'tierId'
  | 'tierAchievedAt'
  | 'referredByMemberId'
>;

export interface ExistingMembers {
  byExternalId: ReadonlyMap<string, ImportedMember>;
  byEmail: ReadonlyMap<string, ImportedMember>;
}

/**
 * Which stored member a row is about: by externalId, else by normalised email. An email that
 * already belongs to a different member is an error (it would break the email's uniqueness).
 */
export function matchRow(row: ValidRow, existing: ExistingMembers): { member: ImportedMember | null } | { issue: FieldIssue } {
  const byEmail = row.emailNormalized ? existing.byEmail.get(row.emailNormalized) : undefined;
  if (row.externalId) {
    const byExternal = existing.byExternalId.get(row.externalId);
    if (byExternal) {
      if (byEmail && byEmail.id !== byExternal.id) return { issue: { field: 'email', reason: 'already belongs to another member of this program' } };
      return { member: byExternal };
    }
    if (byEmail) {
      // A member known only by email (created without an external id) is adopted by the row.
      if (byEmail.externalId === null) return { member: byEmail };
      return { issue: { field: 'email', reason: `already belongs to the member with externalId ${byEmail.externalId}` } };
    }
    return { member: null };
  }
  return { member: byEmail ?? null };
}

/**
 * The member as it will be stored: the row's attributes over the stored ones. Empty cells of
 * columns that cannot be cleared (externalId, tier, referredByExternalId) keep the stored value.
 */
export function mergeRow(
  id: string,
  row: ValidRow,
  stored: ImportedMember | null,
  opts: { definitions: Pick<CustomFieldDefinition, 'key' | 'required'>[]; referredByMemberId: string | null | undefined; now: Date; source: string },
): { member: ImportedMember; tierChanged: boolean } | { issues: FieldIssue[] } {
  const a = row.attributes;
  const base: ImportedMember = stored ?? {
    id,
    externalId: null,
    name: '',
    email: null,
    emailNormalized: null,
    phone: null,
    birthday: null,
    country: null,
    locale: null,
    source: opts.source,
    status: 'active',
    customFields: {},
    tierId: null,
    tierAchievedAt: null,
    referredByMemberId: null,
  };
  const customFields = row.customFields ? mergeCustomFields(base.customFields ?? {}, row.customFields) : base.customFields;
  const issues: FieldIssue[] = [];
  for (const def of opts.definitions) {
    if (def.required && (customFields[def.key] === undefined || customFields[def.key] === null)) {
      issues.push({ field: `customFields.${def.key}`, reason: 'is required' });
    }
  }
  if (issues.length) return { issues };
  const tierChanged = row.tierId != null && row.tierId !== base.tierId;
  const email = a.email === undefined ? base.email : a.email;
  const member: ImportedMember = {
    id: base.id,
    externalId: row.externalId ?? base.externalId,
    name: a.name ?? base.name,
    email,
    emailNormalized: email ? normalizeEmail(email) : null,
    phone: a.phone === undefined ? base.phone : a.phone,
    birthday: a.birthday === undefined ? base.birthday : a.birthday,
    country: a.country === undefined ? base.country : a.country,
    locale: a.locale === undefined ? base.locale : a.locale,
    source: a.source ?? base.source,
    status: a.status ?? base.status,
    customFields,
    tierId: tierChanged ? row.tierId! : base.tierId,
    tierAchievedAt: tierChanged ? opts.now : base.tierAchievedAt,
    referredByMemberId: opts.referredByMemberId === undefined ? base.referredByMemberId : opts.referredByMemberId,
  };
  return { member, tierChanged };
}
