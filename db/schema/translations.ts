import { sql } from 'drizzle-orm';
import { char, check, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { timestamps } from './columns.js';
import { programs } from './programs.js';

/**
 * A regional manager's replacement for one shipped text (src/i18n/locales/<locale>/<namespace>.json)
 * in one country of a program: local campaign copy, written locally. Without a row the shipped
 * text applies (docs/translation-overrides.md).
 */
export const translationOverrides = pgTable(
  'translation_overrides',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('tro')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    country: char('country', { length: 2 }).notNull(),
    locale: text('locale').notNull(),
    namespace: text('namespace').notNull(),
    /** The dotted key as shipped, plural suffix included (`caption_one`). */
    key: text('key').notNull(),
    value: text('value').notNull(),
    /** The user who last wrote the value; null for the system (seed, CLI). */
    updatedBy: text('updated_by'),
    ...timestamps,
  },
  (t) => [
    // Also the lookup index: every read filters by (program, country, locale).
    unique('translation_overrides_text_uq').on(t.programId, t.country, t.locale, t.namespace, t.key),
    check('translation_overrides_country_upper', sql`${t.country} ~ '^[A-Z]{2}$'`),
    check('translation_overrides_value_length', sql`char_length(${t.value}) between 1 and 2000`),
  ],
);
