import { sql } from 'drizzle-orm';
import {
  boolean,
  char,
  check,
  date,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { createdAt, timestamps, tstz } from './columns.js';
import { programs } from './programs.js';
import { tiers } from './tiers.js';

export const memberStatus = pgEnum('member_status', ['active', 'inactive', 'blocked']);

/** A merchant's customer in one program. Affiliates are members with an affiliate profile. */
export const members = pgTable(
  'members',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('mem')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    /** The merchant's own id for this customer; imports match on it. */
    externalId: text('external_id'),
    name: text('name').notNull().default(''),
    email: text('email'),
    /** Lower-cased, trimmed email used for uniqueness and lookups. */
    emailNormalized: text('email_normalized'),
    phone: text('phone'),
    birthday: date('birthday', { mode: 'string' }),
    country: char('country', { length: 2 }),
    locale: text('locale'),
    source: text('source').notNull().default('api'),
    status: memberStatus('status').notNull().default('active'),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    tierId: text('tier_id').references((): AnyPgColumn => tiers.id),
    tierAchievedAt: tstz('tier_achieved_at'),
    /** Paid tiers end at this moment unless renewed. */
    tierExpiresAt: tstz('tier_expires_at'),
    referredByMemberId: text('referred_by_member_id').references((): AnyPgColumn => members.id),
    ...timestamps,
  },
  (t) => [
    unique('members_program_external_uq').on(t.programId, t.externalId),
    uniqueIndex('members_program_email_uq').on(t.programId, t.emailNormalized),
    index('members_program_id_idx').on(t.programId, t.id),
    index('members_program_country_idx').on(t.programId, t.country),
    index('members_referred_by_idx').on(t.referredByMemberId),
    check('members_country_upper', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check('members_email_normalized', sql`(${t.email} is null) = (${t.emailNormalized} is null)`),
  ],
);

export const customFieldType = pgEnum('custom_field_type', ['string', 'number', 'boolean', 'date', 'enum']);

/** A custom member field a program declares; values live in members.custom_fields. */
export const customFieldDefinitions = pgTable(
  'custom_field_definitions',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('cfd')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: customFieldType('type').notNull(),
    required: boolean('required').notNull().default(false),
    enumValues: text('enum_values').array(),
    ...timestamps,
  },
  (t) => [
    unique('custom_fields_program_key_uq').on(t.programId, t.key),
    check('custom_fields_key_format', sql`${t.key} ~ '^[a-z][a-z0-9_]{0,62}$'`),
    check('custom_fields_enum_has_values', sql`${t.type} <> 'enum' or cardinality(${t.enumValues}) > 0`),
  ],
);

export const affiliateStatus = pgEnum('affiliate_status', ['pending', 'approved', 'rejected', 'banned']);

/** What makes a member an affiliate (publisher): their site, approval and payout details. */
export const affiliateProfiles = pgTable(
  'affiliate_profiles',
  {
    memberId: text('member_id')
      .primaryKey()
      .references(() => members.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    website: text('website'),
    status: affiliateStatus('status').notNull().default('pending'),
    statusReason: text('status_reason'),
    /** Bank details (a JSON object), sealed (src/secrets): only the affiliate and staff read them back. */
    payoutDetailsSealed: text('payout_details_sealed'),
    /** The payout details in clear, as versions before sealing stored them: boot seals and empties them; a later release drops the column. */
    legacyPayoutDetails: jsonb('payout_details').$type<Record<string, unknown>>(),
    decidedAt: tstz('decided_at'),
    decidedBy: text('decided_by'),
    ...timestamps,
  },
  (t) => [index('affiliate_profiles_program_status_idx').on(t.programId, t.status)],
);

/** Manual labels on members. */
export const memberTags = pgTable(
  'member_tags',
  {
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    tag: text('tag').notNull(),
    ...createdAt,
  },
  (t) => [
    primaryKey({ columns: [t.memberId, t.tag] }),
    index('member_tags_program_tag_idx').on(t.programId, t.tag),
    check('member_tags_tag_format', sql`${t.tag} ~ '^[a-z0-9][a-z0-9_:-]{0,63}$'`),
  ],
);
