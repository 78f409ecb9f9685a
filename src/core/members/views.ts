import type { affiliateProfiles, customFieldDefinitions, members } from '../../../db/schema/index.js';
import type { Actor } from '../auth/actor.js';
import { staffUserSeenBy } from '../auth/staff-identity.js';

/** JSON shapes the API returns: timestamps as ISO strings, nothing internal (emailNormalized). */
type MemberRow = typeof members.$inferSelect;
type ProfileRow = typeof affiliateProfiles.$inferSelect;
type DefinitionRow = typeof customFieldDefinitions.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function memberView(m: MemberRow, tags: string[]) {
  return {
    id: m.id,
    programId: m.programId,
    externalId: m.externalId,
    name: m.name,
    email: m.email,
    phone: m.phone,
    birthday: m.birthday,
    country: m.country,
    locale: m.locale,
    source: m.source,
    status: m.status,
    customFields: m.customFields,
    tierId: m.tierId,
    tierAchievedAt: iso(m.tierAchievedAt),
    tierExpiresAt: iso(m.tierExpiresAt),
    referredByMemberId: m.referredByMemberId,
    tags,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
export type MemberView = ReturnType<typeof memberView>;

/**
 * The affiliate profile as `reader` sees it: partners do not learn which staff user decided.
 * `payoutDetails` is opened from the row's sealed text (affiliates.ts), or null.
 */
export function affiliateProfileView(p: ProfileRow, payoutDetails: Record<string, unknown> | null, reader: Actor) {
  return {
    status: p.status,
    statusReason: p.statusReason,
    website: p.website,
    payoutDetails,
    decidedAt: iso(p.decidedAt),
    decidedBy: staffUserSeenBy(reader, p.decidedBy),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function affiliateView(m: MemberRow, p: ProfileRow, tags: string[], payoutDetails: Record<string, unknown> | null, reader: Actor) {
  return { ...memberView(m, tags), affiliate: affiliateProfileView(p, payoutDetails, reader) };
}
export type AffiliateView = ReturnType<typeof affiliateView>;

export function customFieldDefinitionView(d: DefinitionRow) {
  return {
    key: d.key,
    label: d.label,
    type: d.type,
    required: d.required,
    enumValues: d.enumValues,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
export type CustomFieldDefinitionView = ReturnType<typeof customFieldDefinitionView>;
