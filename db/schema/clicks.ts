import { sql } from 'drizzle-orm';
import { char, date, index, integer, pgEnum, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { byteText, createdAt, tstz } from './columns.js';
import { links } from './links.js';
import { members } from './members.js';
import { programs } from './programs.js';

/** The coarse kind of client behind a click, from its User-Agent. */
export const clickUaClass = pgEnum('click_ua_class', ['desktop', 'mobile', 'tablet', 'bot', 'other']);
/**
 * How a stored click counts: `counted` clicks are the ones dashboards and commissions see;
 * `duplicate` is the same IP hash on the same link within an hour; `bot` is a crawler.
 */
export const clickStatus = pgEnum('click_status', ['counted', 'duplicate', 'bot']);

/**
 * The table of clicks itself is partitioned by month, which drizzle-kit cannot express, so it is
 * created by the custom migration `0004_clicks_partitioned` and described for queries in
 * `db/schema/partitioned.ts` (kept out of this barrel so drizzle-kit does not try to create it).
 */

/**
 * A random secret per UTC day; clicks store HMAC-SHA256(secret, ip) instead of the IP. Secrets
 * older than yesterday are deleted, after which a stored hash can no longer be tied to an address.
 */
export const clickIpSalts = pgTable('click_ip_salts', {
  day: date('day', { mode: 'string' }).primaryKey(),
  secret: text('secret').notNull(),
  ...createdAt,
});

/**
 * The last counted click per (link, IP hash): a click within an hour of it is a duplicate.
 * Classification happens in the database at flush time, so it holds across API processes.
 * Rows whose IP-hash day has passed are pruned.
 */
export const clickDedup = pgTable(
  'click_dedup',
  {
    // No foreign key: link ids come from the link cache, and a check per click on the hot table
    // cost a sixth of the database's time per click. Rows are pruned daily.
    // Byte-ordered, and the IP hash first: every new visitor is one probe and insert into the
    // primary key, the largest part of the database's cost of a click. Comparing random hashes
    // first, without the collation, makes that about a third cheaper than (link_id, ip_hash).
    linkId: byteText('link_id').notNull(),
    ipHash: byteText('ip_hash').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    lastCountedAt: tstz('last_counted_at'),
  },
  (t) => [primaryKey({ columns: [t.ipHash, t.linkId] }), index('click_dedup_day_idx').on(t.day)],
);

/** Daily click totals per link and visitor country, kept up to date by each flush. */
export const clickDailyRollups = pgTable(
  'click_daily_rollups',
  {
    day: date('day', { mode: 'string' }).notNull(),
    linkId: text('link_id')
      .notNull()
      .references(() => links.id),
    country: char('country', { length: 2 }).notNull(),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    ownerMemberId: text('owner_member_id')
      .notNull()
      .references(() => members.id),
    /** Counted clicks (neither bots nor duplicates). */
    clicks: integer('clicks').notNull().default(0),
    /** Distinct IP hashes among counted clicks that day. */
    uniqueClicks: integer('unique_clicks').notNull().default(0),
    duplicateClicks: integer('duplicate_clicks').notNull().default(0),
    botClicks: integer('bot_clicks').notNull().default(0),
    updatedAt: tstz('updated_at').notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.linkId, t.country] }),
    index('click_rollups_program_day_idx').on(t.programId, t.day),
    index('click_rollups_owner_day_idx').on(t.ownerMemberId, t.day),
  ],
);
