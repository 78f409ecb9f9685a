import { sql } from 'drizzle-orm';
import { check, char, index, jsonb, pgEnum, pgTable, text, unique } from 'drizzle-orm/pg-core';
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
    ...timestamps,
  },
  (t) => [
    unique('markets_program_country_uq').on(t.programId, t.country),
    check('markets_country_upper', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check('markets_currency_upper', sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

