import { sql } from 'drizzle-orm';
import { bigint, boolean, char, check, index, integer, jsonb, pgEnum, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { bytea, createdAt, timestamps, tstz } from './columns.js';
import { commissions } from './commissions.js';
import { members } from './members.js';
import { programs } from './programs.js';

/**
 * Payouts (issue 6): an affiliate's connected Stripe account, payout runs, one payout per affiliate
 * and currency per run with the commissions it settles, and the Stripe webhook events received.
 * Money is integer minor units of `currency`, like commissions.
 */

export const payoutAccountStatus = pgEnum('payout_account_status', ['onboarding', 'enabled', 'restricted', 'disabled']);

/** An affiliate's Stripe Connect account; kept current from `account.updated` webhooks. */
export const payoutAccounts = pgTable(
  'payout_accounts',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('pac')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    stripeAccountId: text('stripe_account_id').notNull(),
    status: payoutAccountStatus('status').notNull().default('onboarding'),
    detailsSubmitted: boolean('details_submitted').notNull().default(false),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    /** Stripe's `requirements.currently_due` and `disabled_reason`, for the affiliate to act on. */
    requirementsDue: text('requirements_due').array().notNull().default(sql`'{}'::text[]`),
    disabledReason: text('disabled_reason'),
    country: char('country', { length: 2 }),
    defaultCurrency: char('default_currency', { length: 3 }),
    /** The last failed payout from the account's Stripe balance to the affiliate's bank (`payout.failed`), for both to see. */
    bankPayoutFailure: jsonb('bank_payout_failure').$type<{ stripePayoutId: string; code: string | null; message: string | null; at: string }>(),
    /** The `created` time of the last Stripe event applied, so an older event arriving late changes nothing. */
    stripeUpdatedAt: tstz('stripe_updated_at'),
    ...timestamps,
  },
  (t) => [unique('payout_accounts_member_uq').on(t.memberId), unique('payout_accounts_stripe_account_uq').on(t.stripeAccountId)],
);

export const payoutRunStatus = pgEnum('payout_run_status', ['pending', 'running', 'completed', 'failed']);
export const payoutRunTrigger = pgEnum('payout_run_trigger', ['schedule', 'admin']);
export const payoutMethod = pgEnum('payout_method', ['stripe', 'manual']);

/**
 * One payout run of a program: started by an admin or by the monthly schedule. `periodKey`
 * (e.g. `2026-11`) makes the schedule start a period's run once, however many workers tick;
 * `idempotencyKey` does the same for an admin's retried request.
 */
export const payoutRuns = pgTable(
  'payout_runs',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('prn')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    status: payoutRunStatus('status').notNull().default('pending'),
    trigger: payoutRunTrigger('trigger').notNull(),
    method: payoutMethod('method').notNull(),
    periodKey: text('period_key'),
    idempotencyKey: text('idempotency_key'),
    requestedBy: text('requested_by'),
    /** Commissions approved up to this moment are in the run. */
    cutoffAt: tstz('cutoff_at').notNull(),
    startedAt: tstz('started_at'),
    completedAt: tstz('completed_at'),
    /** Counts and totals per currency, including the balances carried over below the threshold. */
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
    error: text('error'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('payout_runs_period_uq').on(t.programId, t.periodKey).where(sql`${t.periodKey} is not null`),
    uniqueIndex('payout_runs_idempotency_uq').on(t.programId, t.idempotencyKey).where(sql`${t.idempotencyKey} is not null`),
    index('payout_runs_program_time_idx').on(t.programId, t.createdAt),
  ],
);

export const payoutStatus = pgEnum('payout_status', ['pending', 'processing', 'paid', 'failed', 'reversed']);

/**
 * What one affiliate is paid in one currency by one run: the sum of the commissions it settles
 * (clawbacks netted in). `idempotencyKey` is deterministic (run, affiliate, currency), so a rerun
 * after a crash finds the transfer it already made instead of making another.
 */
export const payouts = pgTable(
  'payouts',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('pay')),
    runId: text('run_id')
      .notNull()
      .references(() => payoutRuns.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    partnerMemberId: text('partner_member_id')
      .notNull()
      .references(() => members.id),
    currency: char('currency', { length: 3 }).notNull(),
    /** Minor units of `currency`; always positive (a payout is made only above the threshold). */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    commissionCount: integer('commission_count').notNull(),
    method: payoutMethod('method').notNull(),
    status: payoutStatus('status').notNull().default('pending'),
    idempotencyKey: text('idempotency_key').notNull(),
    stripeAccountId: text('stripe_account_id'),
    stripeTransferId: text('stripe_transfer_id'),
    /** Manual payouts: the bank or payment reference the admin entered when marking it paid. */
    manualReference: text('manual_reference'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: tstz('last_attempt_at'),
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    paidAt: tstz('paid_at'),
    paidBy: text('paid_by'),
    failedAt: tstz('failed_at'),
    /** What Stripe took back by reversing the transfer (`transfer.reversed`); all of it makes the payout `reversed`. */
    reversedAmount: bigint('reversed_amount', { mode: 'number' }).notNull().default(0),
    reversedAt: tstz('reversed_at'),
    ...timestamps,
  },
  (t) => [
    unique('payouts_run_partner_currency_uq').on(t.runId, t.partnerMemberId, t.currency),
    unique('payouts_idempotency_uq').on(t.idempotencyKey),
    uniqueIndex('payouts_transfer_uq').on(t.stripeTransferId).where(sql`${t.stripeTransferId} is not null`),
    index('payouts_partner_time_idx').on(t.partnerMemberId, t.createdAt),
    index('payouts_program_status_idx').on(t.programId, t.status),
    check('payouts_amount_positive', sql`${t.amount} > 0`),
    check('payouts_currency_upper', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * The commissions a payout settles, as they were when it was made: the statement's lines. A
 * failed or reversed payout keeps its items; the commissions themselves go back to the next run.
 * `paidLeafHash` is the RFC 9162 leaf hash of the commission's `commission.paid` log entry, so the
 * statement can name the entry's index once the sequencer has placed it.
 */
export const payoutItems = pgTable(
  'payout_items',
  {
    payoutId: text('payout_id')
      .notNull()
      .references(() => payouts.id),
    commissionId: text('commission_id')
      .notNull()
      .references(() => commissions.id),
    /** The commission's payout amount net of reversals (negative for a clawback), in the payout's currency. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    paidLeafHash: bytea('paid_leaf_hash'),
    ...createdAt,
  },
  (t) => [unique('payout_items_payout_commission_uq').on(t.payoutId, t.commissionId), index('payout_items_commission_idx').on(t.commissionId)],
);

/**
 * Every Stripe webhook event received, once (the event id is the key): a replayed delivery finds
 * its row and is not handled again. A job handles each stored event.
 */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    /** The connected account the event is about (Connect events), if any. */
    account: text('account'),
    livemode: boolean('livemode').notNull().default(false),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** Stripe's `created` (seconds), as a time: the order events happened in. */
    stripeCreatedAt: tstz('stripe_created_at').notNull(),
    processedAt: tstz('processed_at'),
    /** Set when handling failed for good (unknown object, say); retried failures leave it null. */
    error: text('error'),
    ...createdAt,
  },
  (t) => [index('stripe_events_unprocessed_idx').on(t.createdAt).where(sql`${t.processedAt} is null`)],
);
