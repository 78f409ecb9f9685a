import { sql } from 'drizzle-orm';
import { bigint, char, check, index, integer, numeric, pgEnum, pgTable, text, unique, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { createdAt, timestamps, tstz } from './columns.js';
import { conversions } from './conversions.js';
import { members } from './members.js';
import { programs, tenants } from './programs.js';

export const commissionMode = pgEnum('commission_mode', ['per_signup', 'per_transaction']);

/**
 * The commission policy of one market (country) of a program; `country` null is the program's
 * default for markets without their own. The terms live in immutable, effective-dated versions.
 */
export const commissionPolicies = pgTable(
  'commission_policies',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('cpl')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    country: char('country', { length: 2 }),
    ...timestamps,
  },
  (t) => [unique('commission_policies_program_country_uq').on(t.programId, t.country).nullsNotDistinct(), check('commission_policies_country_upper', sql`${t.country} ~ '^[A-Z]{2}$'`)],
);

/**
 * One version of a policy's terms, in force from `effective_from` until the next version's. A
 * conversion is paid by the version in force when it happened, and its commission records which.
 * Amounts are minor units of `currency` (the market's currency).
 */
export const commissionPolicyVersions = pgTable(
  'commission_policy_versions',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('cpv')),
    policyId: text('policy_id')
      .notNull()
      .references(() => commissionPolicies.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    country: char('country', { length: 2 }),
    version: integer('version').notNull(),
    effectiveFrom: tstz('effective_from').notNull(),
    mode: commissionMode('mode').notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** per_signup: the flat amount per qualified signup. */
    signupAmount: bigint('signup_amount', { mode: 'number' }),
    /** per_transaction: basis points of the completed sale amount (1000 = 10%). */
    percentBps: integer('percent_bps'),
    /** per_transaction: a flat part added per sale. */
    flatAmount: bigint('flat_amount', { mode: 'number' }).notNull().default(0),
    minAmount: bigint('min_amount', { mode: 'number' }),
    maxAmount: bigint('max_amount', { mode: 'number' }),
    holdDays: integer('hold_days').notNull(),
    attributionWindowDays: integer('attribution_window_days').notNull(),
    /** A maturing market: from this moment a per_signup version pays per_transaction with the terms above. */
    switchToPerTransactionAt: tstz('switch_to_per_transaction_at'),
    note: text('note'),
    createdBy: text('created_by'),
    ...createdAt,
  },
  (t) => [
    unique('commission_policy_versions_policy_version_uq').on(t.policyId, t.version),
    index('commission_policy_versions_lookup_idx').on(t.programId, t.country, t.effectiveFrom),
    check('commission_policy_versions_amounts_nonneg', sql`coalesce(${t.signupAmount}, 0) >= 0 and ${t.flatAmount} >= 0 and coalesce(${t.minAmount}, 0) >= 0 and coalesce(${t.maxAmount}, 0) >= 0`),
    check('commission_policy_versions_caps', sql`${t.minAmount} is null or ${t.maxAmount} is null or ${t.minAmount} <= ${t.maxAmount}`),
    check('commission_policy_versions_percent', sql`${t.percentBps} is null or (${t.percentBps} >= 0 and ${t.percentBps} <= 100000)`),
    check('commission_policy_versions_days', sql`${t.holdDays} >= 0 and ${t.attributionWindowDays} >= 1`),
    check('commission_policy_versions_mode_terms', sql`(${t.mode} = 'per_signup' and ${t.signupAmount} is not null) or (${t.mode} = 'per_transaction' and ${t.percentBps} is not null)`),
    check('commission_policy_versions_switch_terms', sql`${t.switchToPerTransactionAt} is null or ${t.percentBps} is not null`),
  ],
);

export const commissionKind = pgEnum('commission_kind', ['signup', 'sale', 'clawback']);
export const commissionStatus = pgEnum('commission_status', ['pending', 'held', 'approved', 'paid', 'reversed', 'rejected']);

/**
 * Money owed to a partner for one conversion (`signup`/`sale`), or taken back after it was paid
 * (`clawback`, negative, carried into the next payout). Kept in the sale's currency and in the
 * program's payout currency at the recorded FX rate.
 */
export const commissions = pgTable(
  'commissions',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('com')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    conversionId: text('conversion_id')
      .notNull()
      .references(() => conversions.id),
    partnerMemberId: text('partner_member_id')
      .notNull()
      .references(() => members.id),
    kind: commissionKind('kind').notNull(),
    status: commissionStatus('status').notNull(),
    policyVersionId: text('policy_version_id').references(() => commissionPolicyVersions.id),
    /** The market whose policy made it. */
    country: char('country', { length: 2 }),
    /** Minor units of `currency` (the sale's, or the policy's for signups); negative for a clawback. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    /** Taken off by refunds before payment (pro rata), in `currency`. */
    reversedAmount: bigint('reversed_amount', { mode: 'number' }).notNull().default(0),
    payoutCurrency: char('payout_currency', { length: 3 }).notNull(),
    payoutAmount: bigint('payout_amount', { mode: 'number' }).notNull(),
    payoutReversedAmount: bigint('payout_reversed_amount', { mode: 'number' }).notNull().default(0),
    /** currency -> payoutCurrency, as a decimal string; '1' for the same currency. */
    fxRate: numeric('fx_rate', { precision: 20, scale: 10 }).notNull(),
    fxRateId: text('fx_rate_id'),
    /** The partner's tier commission multiplier applied on top of the policy (10000 = 1x). */
    multiplierBps: integer('multiplier_bps').notNull().default(10_000),
    /** When a pending commission becomes approvable (hold period; for sales counted from completion). */
    holdUntil: tstz('hold_until'),
    /** Why it is held, as stable fraud reason codes. */
    holdReasons: text('hold_reasons').array().notNull().default(sql`'{}'::text[]`),
    decidedBy: text('decided_by'),
    decidedAt: tstz('decided_at'),
    decisionReason: text('decision_reason'),
    approvedAt: tstz('approved_at'),
    paidAt: tstz('paid_at'),
    reversedAt: tstz('reversed_at'),
    /** Set by payouts (issue 6). */
    payoutId: text('payout_id'),
    /** A clawback's paid commission. */
    clawbackOf: text('clawback_of').references((): AnyPgColumn => commissions.id),
    /** The refund that caused a clawback (idempotency of clawbacks). */
    refundId: text('refund_id'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('commissions_one_per_conversion_uq').on(t.conversionId).where(sql`${t.kind} <> 'clawback'`),
    uniqueIndex('commissions_one_clawback_per_refund_uq').on(t.clawbackOf, t.refundId).where(sql`${t.kind} = 'clawback'`),
    index('commissions_program_status_idx').on(t.programId, t.status),
    index('commissions_partner_status_idx').on(t.partnerMemberId, t.status),
    index('commissions_due_idx').on(t.holdUntil).where(sql`${t.status} = 'pending'`),
    index('commissions_payout_idx').on(t.payoutId).where(sql`${t.payoutId} is not null`),
    check('commissions_sign', sql`(${t.kind} = 'clawback') = (${t.amount} < 0) or ${t.amount} = 0`),
    check('commissions_reversed_bounds', sql`${t.reversedAmount} >= 0 and (${t.amount} < 0 or ${t.reversedAmount} <= ${t.amount})`),
    check('commissions_currency_upper', sql`${t.currency} ~ '^[A-Z]{3}$' and ${t.payoutCurrency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * Exchange rates: 1 unit of `base` = `rate` units of `quote`, from `effective_at` on. Each tenant
 * (merchant organisation) keeps its own: a rate prices that tenant's commissions and nobody else's.
 */
export const fxRates = pgTable(
  'fx_rates',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('fxr')),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    base: char('base', { length: 3 }).notNull(),
    quote: char('quote', { length: 3 }).notNull(),
    rate: numeric('rate', { precision: 20, scale: 10 }).notNull(),
    effectiveAt: tstz('effective_at').notNull(),
    source: text('source').notNull().default('manual'),
    createdBy: text('created_by'),
    ...createdAt,
  },
  (t) => [
    unique('fx_rates_pair_time_uq').on(t.tenantId, t.base, t.quote, t.effectiveAt),
    check('fx_rates_positive', sql`${t.rate} > 0`),
    check('fx_rates_codes', sql`${t.base} ~ '^[A-Z]{3}$' and ${t.quote} ~ '^[A-Z]{3}$' and ${t.base} <> ${t.quote}`),
  ],
);

export const referralRewardSide = pgEnum('referral_reward_side', ['referrer', 'friend']);
export const referralRewardTrigger = pgEnum('referral_reward_trigger', ['signup', 'first_purchase']);
export const referralRewardStatus = pgEnum('referral_reward_status', ['granted', 'capped', 'reversed']);

/** Member-get-member points for one side of one referral event; the points move through the ledger. */
export const referralRewards = pgTable(
  'referral_rewards',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('rrw')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    conversionId: text('conversion_id')
      .notNull()
      .references(() => conversions.id),
    side: referralRewardSide('side').notNull(),
    trigger: referralRewardTrigger('trigger').notNull(),
    /** Who gets the points. */
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    referrerMemberId: text('referrer_member_id')
      .notNull()
      .references(() => members.id),
    friendMemberId: text('friend_member_id')
      .notNull()
      .references(() => members.id),
    points: bigint('points', { mode: 'number' }).notNull(),
    /** The ledger entry that granted them (null when the monthly cap left nothing to grant). */
    pointsEntryId: text('points_entry_id'),
    status: referralRewardStatus('status').notNull(),
    reversedAt: tstz('reversed_at'),
    ...timestamps,
  },
  (t) => [
    unique('referral_rewards_conversion_side_uq').on(t.conversionId, t.side),
    uniqueIndex('referral_rewards_friend_trigger_side_uq').on(t.friendMemberId, t.trigger, t.side),
    index('referral_rewards_member_time_idx').on(t.memberId, t.createdAt),
    check('referral_rewards_points_nonneg', sql`${t.points} >= 0`),
  ],
);
