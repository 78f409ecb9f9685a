import { sql } from 'drizzle-orm';
import { bigint, char, check, index, integer, jsonb, pgEnum, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { createdAt, timestamps, tstz } from './columns.js';
import { members } from './members.js';
import { programs } from './programs.js';

export const tierKind = pgEnum('tier_kind', ['standard', 'paid']);

/**
 * What a member must reach within the rolling window to hold a tier. Thresholds left out do not
 * count; `match` says whether one or all of the given thresholds must be met.
 */
export interface TierQualification {
  match: 'any' | 'all';
  pointsEarned?: number;
  /** Minor units of the program's payout currency. */
  qualifyingSpend?: number;
  referralRevenue?: number;
  referredSignups?: number;
}

/** An ordered level in a program. Multipliers are basis points: 10000 = 1.0x. */
export const tiers = pgTable(
  'tiers',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('tier')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    name: text('name').notNull(),
    /** 0 is the entry level; higher ranks are better. */
    rank: integer('rank').notNull(),
    kind: tierKind('kind').notNull().default('standard'),
    qualification: jsonb('qualification').$type<TierQualification>().notNull().default({ match: 'any' }),
    upgradeGiftPoints: bigint('upgrade_gift_points', { mode: 'number' }).notNull().default(0),
    pointsMultiplierBps: integer('points_multiplier_bps').notNull().default(10_000),
    commissionMultiplierBps: integer('commission_multiplier_bps').notNull().default(10_000),
    /** Human-readable benefits shown to members (free shipping, lounge access...). */
    benefits: jsonb('benefits').$type<string[]>().notNull().default([]),
    /** Paid tiers: the fee in minor units, its currency and how long one payment lasts. */
    feeAmount: bigint('fee_amount', { mode: 'number' }),
    feeCurrency: char('fee_currency', { length: 3 }),
    validityDays: integer('validity_days'),
    /**
     * Deleted tiers are kept (tier history and purchases point at them) but drop out of the
     * program; their rank becomes free again.
     */
    deletedAt: tstz('deleted_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('tiers_program_rank_live_uq').on(t.programId, t.rank).where(sql`${t.deletedAt} is null`),
    check('tiers_multipliers_positive', sql`${t.pointsMultiplierBps} >= 0 and ${t.commissionMultiplierBps} >= 0`),
    check('tiers_gift_nonneg', sql`${t.upgradeGiftPoints} >= 0`),
    check(
      'tiers_paid_has_fee',
      sql`${t.kind} <> 'paid' or (${t.feeAmount} > 0 and ${t.feeCurrency} is not null and ${t.validityDays} > 0)`,
    ),
  ],
);

export const tierChangeReason = pgEnum('tier_change_reason', [
  'initial',
  'upgrade',
  'downgrade',
  'purchase',
  'expiry',
  'import',
  'manual',
]);

/** Every tier change a member went through. */
export const tierHistory = pgTable(
  'tier_history',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('tih')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    fromTierId: text('from_tier_id').references(() => tiers.id),
    toTierId: text('to_tier_id').references(() => tiers.id),
    reason: tierChangeReason('reason').notNull(),
    note: text('note'),
    effectiveAt: tstz('effective_at').notNull(),
    expiresAt: tstz('expires_at'),
    ...createdAt,
  },
  (t) => [index('tier_history_member_idx').on(t.memberId, t.effectiveAt), index('tier_history_member_id_idx').on(t.memberId, t.id)],
);

/**
 * A paid tier bought for a member. The idempotency key is unique per program, so a replayed
 * purchase finds its first result here; `requestHash` tells a replay from a reused key.
 */
export const tierPurchases = pgTable(
  'tier_purchases',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('tpu')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    tierId: text('tier_id')
      .notNull()
      .references(() => tiers.id),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    paymentReference: text('payment_reference').notNull(),
    feeAmount: bigint('fee_amount', { mode: 'number' }).notNull(),
    feeCurrency: char('fee_currency', { length: 3 }).notNull(),
    /** The validity this purchase bought: from `startsAt` (now, or the previous expiry on renewal). */
    startsAt: tstz('starts_at').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    ...createdAt,
  },
  (t) => [
    unique('tier_purchases_program_key_uq').on(t.programId, t.idempotencyKey),
    index('tier_purchases_member_idx').on(t.memberId, t.id),
    check('tier_purchases_fee_positive', sql`${t.feeAmount} > 0`),
    check('tier_purchases_period', sql`${t.expiresAt} > ${t.startsAt}`),
  ],
);

/**
 * One row per downgrade review a member went through (the evaluation date it was for), so the
 * hourly job reviews each evaluation date exactly once, whatever the outcome.
 */
export const tierReviews = pgTable(
  'tier_reviews',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('trv')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    /** The evaluation date (anniversary of tierAchievedAt) this review was for. */
    evaluationDate: tstz('evaluation_date').notNull(),
    tierId: text('tier_id')
      .notNull()
      .references(() => tiers.id),
    outcome: text('outcome', { enum: ['kept', 'downgraded'] }).notNull(),
    ...createdAt,
  },
  (t) => [
    unique('tier_reviews_member_date_uq').on(t.memberId, t.evaluationDate),
    check('tier_reviews_outcome', sql`${t.outcome} in ('kept', 'downgraded')`),
  ],
);
