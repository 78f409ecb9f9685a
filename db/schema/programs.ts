import { sql } from 'drizzle-orm';
import { bigint, check, char, index, integer, jsonb, pgEnum, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { timestamps } from './columns.js';

/** The merchant organisation; an `admin` user administers one tenant. */
export const tenants = pgTable('tenants', {
  id: text('id').primaryKey().$defaultFn(() => newId('ten')),
  name: text('name').notNull(),
  ...timestamps,
});

/**
 * Program-wide knobs that do not deserve their own column. Parsed and defaulted by
 * src/core/programs/settings.ts; every key is optional in storage.
 */
export type ProgramSettingsJson = Record<string, unknown>;

/** A merchant's partner program. */
export const programs = pgTable(
  'programs',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('prg')),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    payoutCurrency: char('payout_currency', { length: 3 }).notNull(),
    defaultLocale: text('default_locale').notNull().default('en'),
    settings: jsonb('settings').$type<ProgramSettingsJson>().notNull().default({}),
    ...timestamps,
  },
  (t) => [index('programs_tenant_idx').on(t.tenantId)],
);

export const marketStage = pgEnum('market_stage', ['new', 'mature']);

/** A country a program operates in, with its currency and default locale. */
export const markets = pgTable(
  'markets',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('mkt')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    country: char('country', { length: 2 }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    defaultLocale: text('default_locale').notNull(),
    stage: marketStage('stage').notNull().default('new'),
    /**
     * Upper bounds on the commission terms of this market's policy versions, set by admins only;
     * null: the default for the market's currency (src/payouts/policies/bounds.ts). Amounts are
     * minor units of `currency`: per signup, and per sale for the flat and minimum amounts.
     */
    commissionMaxSignupAmount: bigint('commission_max_signup_amount', { mode: 'number' }),
    commissionMaxSaleAmount: bigint('commission_max_sale_amount', { mode: 'number' }),
    /** Basis points of a sale (1000 = 10%). */
    commissionMaxPercentBps: integer('commission_max_percent_bps'),
    ...timestamps,
  },
  (t) => [
    unique('markets_program_country_uq').on(t.programId, t.country),
    check('markets_country_upper', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check('markets_currency_upper', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check(
      'markets_commission_bounds',
      sql`coalesce(${t.commissionMaxSignupAmount}, 0) >= 0 and coalesce(${t.commissionMaxSaleAmount}, 0) >= 0 and coalesce(${t.commissionMaxPercentBps}, 0) between 0 and 100000`,
    ),
  ],
);

