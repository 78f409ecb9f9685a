import { sql } from 'drizzle-orm';
import {
  bigint,
  char,
  check,
  index,
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
import { members } from './members.js';
import { programs } from './programs.js';

/**
 * A member's balance, kept in step with their lots in the same transaction. Every ledger write locks
 * this row first, which is what serialises concurrent writes for one member.
 * Invariant: available + pending = sum(points_lots.remaining of open lots) = sum(points_entries.amount).
 */
export const pointsAccounts = pgTable(
  'points_accounts',
  {
    memberId: text('member_id')
      .primaryKey()
      .references(() => members.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    available: bigint('available', { mode: 'number' }).notNull().default(0),
    pending: bigint('pending', { mode: 'number' }).notNull().default(0),
    /** Points earned minus earn reversals (adjustments do not count). */
    lifetimeEarned: bigint('lifetime_earned', { mode: 'number' }).notNull().default(0),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('points_accounts_available_nonneg', sql`${t.available} >= 0`),
    check('points_accounts_pending_nonneg', sql`${t.pending} >= 0`),
    check('points_accounts_lifetime_nonneg', sql`${t.lifetimeEarned} >= 0`),
    index('points_accounts_program_idx').on(t.programId),
  ],
);

export const pointsEntryKind = pgEnum('points_entry_kind', ['earn', 'redeem', 'expire', 'adjust', 'reverse']);

/** The append-only ledger. Amount is signed: earn > 0, redeem/expire < 0, adjust/reverse either. */
export const pointsEntries = pgTable(
  'points_entries',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('pte')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    kind: pointsEntryKind('kind').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** Points a reversal should have taken back but could not, because they were already spent. */
    shortfall: bigint('shortfall', { mode: 'number' }).notNull().default(0),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 of the request that first used the key: the same key with another payload is refused. */
    requestHash: text('request_hash').notNull(),
    reason: text('reason'),
    reference: text('reference'),
    reversesEntryId: text('reverses_entry_id').references((): AnyPgColumn => pointsEntries.id),
    orderId: text('order_id').references((): AnyPgColumn => memberOrders.id),
    availableAt: tstz('available_at'),
    expiresAt: tstz('expires_at'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    ...createdAt,
  },
  (t) => [
    unique('points_entries_program_idem_uq').on(t.programId, t.idempotencyKey),
    index('points_entries_member_id_idx').on(t.memberId, t.id),
    index('points_entries_reverses_idx').on(t.reversesEntryId),
    index('points_entries_order_idx').on(t.orderId),
    // A manual reversal happens at most once; refund reversals (order_id set) may be several.
    uniqueIndex('points_entries_one_manual_reversal_uq')
      .on(t.reversesEntryId)
      .where(sql`${t.kind} = 'reverse' and ${t.orderId} is null`),
    check('points_entries_shortfall_nonneg', sql`${t.shortfall} >= 0`),
    check(
      'points_entries_sign',
      sql`(${t.kind} = 'earn' and ${t.amount} > 0) or (${t.kind} in ('redeem', 'expire') and ${t.amount} < 0) or (${t.kind} = 'adjust' and ${t.amount} <> 0) or ${t.kind} = 'reverse'`,
    ),
    check('points_entries_reverse_target', sql`(${t.kind} = 'reverse') = (${t.reversesEntryId} is not null)`),
  ],
);

export const pointsLotState = pgEnum('points_lot_state', ['pending', 'available', 'closed']);

/** Points earned (or added by adjustment) together; spent and expired lot by lot. */
export const pointsLots = pgTable(
  'points_lots',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('ptl')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    entryId: text('entry_id')
      .notNull()
      .references(() => pointsEntries.id),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    remaining: bigint('remaining', { mode: 'number' }).notNull(),
    availableAt: tstz('available_at').notNull(),
    expiresAt: tstz('expires_at'),
    state: pointsLotState('state').notNull(),
    ...timestamps,
  },
  (t) => [
    check('points_lots_remaining_bounds', sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.amount}`),
    check('points_lots_amount_positive', sql`${t.amount} > 0`),
    uniqueIndex('points_lots_entry_uq').on(t.entryId),
    // The spend order: soonest expiry first, never-expiring last.
    index('points_lots_member_open_idx').on(t.memberId, t.expiresAt, t.id).where(sql`${t.state} = 'available'`),
    index('points_lots_due_pending_idx').on(t.availableAt).where(sql`${t.state} = 'pending'`),
    index('points_lots_due_expiry_idx').on(t.expiresAt).where(sql`${t.state} <> 'closed' and ${t.expiresAt} is not null`),
  ],
);

/** Which lots a redeem, expiry, negative adjustment or reversal drew from (or restored to). */
export const pointsAllocations = pgTable(
  'points_allocations',
  {
    entryId: text('entry_id')
      .notNull()
      .references(() => pointsEntries.id),
    lotId: text('lot_id')
      .notNull()
      .references(() => pointsLots.id),
    amount: bigint('amount', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.lotId] }), index('points_allocations_lot_idx').on(t.lotId), check('points_allocations_positive', sql`${t.amount} > 0`)],
);

export const memberOrderStatus = pgEnum('member_order_status', ['completed', 'partially_refunded', 'refunded']);

/** A purchase the merchant reported for a member; tiers and segments read it for spend and RFM. */
export const memberOrders = pgTable(
  'member_orders',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('ord')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    externalId: text('external_id').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Minor units. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    refundedAmount: bigint('refunded_amount', { mode: 'number' }).notNull().default(0),
    status: memberOrderStatus('status').notNull().default('completed'),
    occurredAt: tstz('occurred_at').notNull(),
    earnEntryId: text('earn_entry_id').references((): AnyPgColumn => pointsEntries.id),
    ...timestamps,
  },
  (t) => [
    unique('member_orders_program_external_uq').on(t.programId, t.externalId),
    index('member_orders_member_occurred_idx').on(t.memberId, t.occurredAt),
    index('member_orders_program_occurred_idx').on(t.programId, t.occurredAt),
    check('member_orders_amount_positive', sql`${t.amount} > 0`),
    check('member_orders_refund_bounds', sql`${t.refundedAmount} >= 0 and ${t.refundedAmount} <= ${t.amount}`),
    check('member_orders_currency_upper', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/** One refund of a member order; its idempotency key makes a retried refund a replay. */
export const memberOrderRefunds = pgTable(
  'member_order_refunds',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('orf')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    orderId: text('order_id')
      .notNull()
      .references(() => memberOrders.id),
    idempotencyKey: text('idempotency_key').notNull(),
    requestHash: text('request_hash').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    /** The reversal of the order's points; null when the order earned none. */
    entryId: text('entry_id').references(() => pointsEntries.id),
    pointsReversed: bigint('points_reversed', { mode: 'number' }).notNull().default(0),
    pointsShortfall: bigint('points_shortfall', { mode: 'number' }).notNull().default(0),
    ...createdAt,
  },
  (t) => [
    unique('member_order_refunds_program_idem_uq').on(t.programId, t.idempotencyKey),
    index('member_order_refunds_order_idx').on(t.orderId),
    check('member_order_refunds_amount_positive', sql`${t.amount} > 0`),
  ],
);
