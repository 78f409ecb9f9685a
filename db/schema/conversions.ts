import { sql } from 'drizzle-orm';
import { bigint, char, check, date, index, jsonb, pgEnum, pgTable, primaryKey, text, unique, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { createdAt, timestamps, tstz } from './columns.js';
import { links } from './links.js';
import { members } from './members.js';
import { programs } from './programs.js';

export const conversionKind = pgEnum('conversion_kind', ['signup', 'sale']);

/** Where the sale stands at the merchant. A signup is `completed` from the start. */
export const conversionStatus = pgEnum('conversion_status', ['pending', 'completed', 'partially_refunded', 'refunded', 'cancelled']);

/** Which evidence attributed the conversion (issue 4: click id, then cookie, then promo code; or the customer's binding). */
export const attributionMethod = pgEnum('attribution_method', ['click_id', 'cookie', 'promo_code', 'customer', 'none']);

/**
 * A merchant's customer as conversions know them: by the merchant's reference and/or the hash of their
 * normalised email (raw emails are never stored). The first attributed conversion binds the customer
 * to that partner (affiliate or referring member).
 */
export const customers = pgTable(
  'customers',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('cus')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    externalRef: text('external_ref'),
    /**
     * The keyed email hash: hex HMAC-SHA256 under the tenant's email hash key of the sha256 hex of
     * the trimmed, lower-cased email (src/tracking/conversions/email-hash.ts). Without the key a
     * list of addresses tells nothing.
     */
    emailHmac: text('email_hmac'),
    /** The unkeyed sha256 versions before keyed hashes stored: boot re-hashes it into email_hmac and empties it; a later release drops it. */
    legacyEmailSha256: text('email_hash'),
    /** The program member this customer is, when known (member-get-member rewards need one). */
    memberId: text('member_id').references(() => members.id),
    /** The partner the customer is bound to by their first attributed conversion. */
    boundPartnerId: text('bound_partner_id').references(() => members.id),
    boundAt: tstz('bound_at'),
    boundConversionId: text('bound_conversion_id'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('customers_program_ref_uq').on(t.programId, t.externalRef).where(sql`${t.externalRef} is not null`),
    uniqueIndex('customers_program_email_uq').on(t.programId, t.legacyEmailSha256).where(sql`${t.legacyEmailSha256} is not null`),
    uniqueIndex('customers_program_email_hmac_uq').on(t.programId, t.emailHmac).where(sql`${t.emailHmac} is not null`),
    index('customers_member_idx').on(t.memberId),
    check('customers_identified', sql`${t.externalRef} is not null or ${t.emailHmac} is not null or ${t.legacyEmailSha256} is not null`),
  ],
);

/**
 * A signup or sale the merchant reported. Accepted at once (202) and processed by the
 * `conversions.process` job: attribution, fraud rules, commission, member rewards. The evidence
 * columns keep what the merchant sent; the attribution columns what processing decided.
 */
export const conversions = pgTable(
  'conversions',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('cnv')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    /** The merchant's id for the signup or order; unique per program, the idempotency key of the track call. */
    externalId: text('external_id').notNull(),
    kind: conversionKind('kind').notNull(),
    status: conversionStatus('status').notNull(),
    occurredAt: tstz('occurred_at').notNull(),
    completedAt: tstz('completed_at'),
    cancelledAt: tstz('cancelled_at'),
    /** Sales only: minor units of `currency`. */
    amount: bigint('amount', { mode: 'number' }),
    currency: char('currency', { length: 3 }),
    refundedAmount: bigint('refunded_amount', { mode: 'number' }).notNull().default(0),
    // Evidence, as sent.
    clickId: text('click_id'),
    cookieClickId: text('cookie_click_id'),
    promoCode: text('promo_code'),
    customerRef: text('customer_ref'),
    /** The customer's keyed email hash, as customers.email_hmac. */
    emailHmac: text('email_hmac'),
    /** Unkeyed sha256 of versions before keyed hashes: boot re-hashes and empties it; a later release drops it. */
    legacyEmailSha256: text('email_hash'),
    /** The customer's IP at conversion, hashed with that day's click secret (comparable with clicks of the day). */
    ipHash: text('ip_hash'),
    /** The customer's country as the merchant sent it. */
    country: char('country', { length: 2 }),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    /** sha256 of the track call's payload: a replay with another payload is a conflict. */
    requestHash: text('request_hash').notNull(),
    // Decided by processing.
    processedAt: tstz('processed_at'),
    attributionMethod: attributionMethod('attribution_method'),
    /** The click the conversion was attributed to (clicks has no FK: it is partitioned and pruned). */
    attributedClickId: text('attributed_click_id'),
    clickedAt: tstz('clicked_at'),
    linkId: text('link_id').references(() => links.id),
    /** The credited partner: an affiliate, or the member whose invite link brought the customer. */
    partnerMemberId: text('partner_member_id').references(() => members.id),
    customerId: text('customer_id').references(() => customers.id),
    /** The market whose commission policy applies: the sent country, else the click's, else the customer's member country. */
    marketCountry: char('market_country', { length: 2 }),
    /** Stable fraud reason codes (src/tracking/fraud/rules.ts); any of them holds the commission. */
    fraudReasons: text('fraud_reasons').array().notNull().default(sql`'{}'::text[]`),
    ...timestamps,
  },
  (t) => [
    unique('conversions_program_external_uq').on(t.programId, t.externalId),
    index('conversions_program_time_idx').on(t.programId, t.occurredAt),
    index('conversions_partner_time_idx').on(t.partnerMemberId, t.occurredAt),
    index('conversions_program_market_time_idx').on(t.programId, t.marketCountry, t.occurredAt),
    index('conversions_customer_idx').on(t.customerId),
    index('conversions_unprocessed_idx').on(t.createdAt).where(sql`${t.processedAt} is null`),
    // The velocity fraud rules count the last hour's conversions per IP hash and per link (src/tracking/fraud/rules.ts).
    index('conversions_program_ip_time_idx').on(t.programId, t.ipHash, t.occurredAt).where(sql`${t.ipHash} is not null`),
    index('conversions_link_time_idx').on(t.linkId, t.occurredAt).where(sql`${t.linkId} is not null`),
    // Boot finds the rows left to re-hash without reading the table; empty once they are done.
    index('conversions_legacy_email_idx').on(t.id).where(sql`${t.legacyEmailSha256} is not null`),
    check('conversions_sale_amount', sql`(${t.kind} = 'sale') = (${t.amount} is not null and ${t.currency} is not null)`),
    check('conversions_amount_positive', sql`${t.amount} is null or ${t.amount} > 0`),
    check('conversions_refund_bounds', sql`${t.refundedAmount} >= 0 and (${t.amount} is null or ${t.refundedAmount} <= ${t.amount})`),
    check('conversions_currency_upper', sql`${t.currency} is null or ${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** One refund of a sale, partial or full; the merchant's refund id (or idempotency key) makes it idempotent. */
export const conversionRefunds = pgTable(
  'conversion_refunds',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('crf')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    conversionId: text('conversion_id')
      .notNull()
      .references(() => conversions.id),
    idempotencyKey: text('idempotency_key').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    requestHash: text('request_hash').notNull(),
    ...createdAt,
  },
  (t) => [
    unique('conversion_refunds_program_idem_uq').on(t.programId, t.idempotencyKey),
    index('conversion_refunds_conversion_idx').on(t.conversionId),
    check('conversion_refunds_amount_positive', sql`${t.amount} > 0`),
  ],
);

export const promoCodeStatus = pgEnum('promo_code_status', ['active', 'archived']);

/** A code a partner hands out; a conversion that carries it is attributed to them. Codes are stored upper-case. */
export const promoCodes = pgTable(
  'promo_codes',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('prm')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    code: text('code').notNull(),
    partnerMemberId: text('partner_member_id')
      .notNull()
      .references(() => members.id),
    status: promoCodeStatus('status').notNull().default('active'),
    archivedAt: tstz('archived_at'),
    ...timestamps,
  },
  (t) => [
    unique('promo_codes_program_code_uq').on(t.programId, t.code),
    index('promo_codes_partner_idx').on(t.partnerMemberId),
    check('promo_codes_code_format', sql`${t.code} ~ '^[A-Z0-9][A-Z0-9_-]{2,39}$'`),
  ],
);

/**
 * IP hashes a partner was seen from (dashboard logins), per UTC day: a conversion or click from the
 * same hash that day is a self-referral. IP hashes only compare within one day (daily secret).
 */
export const partnerIpHashes = pgTable(
  'partner_ip_hashes',
  {
    memberId: text('member_id')
      .notNull()
      .references((): AnyPgColumn => members.id),
    day: date('day', { mode: 'string' }).notNull(),
    ipHash: text('ip_hash').notNull(),
    ...createdAt,
  },
  (t) => [primaryKey({ columns: [t.memberId, t.day, t.ipHash] }), index('partner_ip_hashes_day_hash_idx').on(t.day, t.ipHash)],
);
