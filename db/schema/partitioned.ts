import { char, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { clickStatus, clickUaClass } from './clicks.js';
import { tstz } from './columns.js';

/**
 * Tables drizzle-kit must not manage: they are partitioned, which it cannot express, so custom
 * migrations create them. These definitions only give queries their types. Not in the barrel.
 */

/** Sub-ids (sub1..sub5) an affiliate passed on the click URL, kept for their own reporting. */
export type ClickSubIds = Partial<Record<'sub1' | 'sub2' | 'sub3' | 'sub4' | 'sub5', string>>;

/**
 * One stored click. Partitioned by month on clicked_at (`clicks_YYYY_MM`); partitions older than
 * CLICK_RETENTION_MONTHS are dropped. No raw IP: `ip_hash` is an HMAC under that day's secret.
 */
export const clicks = pgTable(
  'clicks',
  {
    id: text('id').notNull(),
    clickedAt: tstz('clicked_at').notNull(),
    linkId: text('link_id').notNull(),
    programId: text('program_id').notNull(),
    ownerMemberId: text('owner_member_id').notNull(),
    country: char('country', { length: 2 }).notNull(),
    uaClass: clickUaClass('ua_class').notNull(),
    referrerHost: text('referrer_host'),
    ipHash: text('ip_hash').notNull(),
    status: clickStatus('status').notNull(),
    subIds: jsonb('sub_ids').$type<ClickSubIds>(),
  },
  (t) => [primaryKey({ columns: [t.id, t.clickedAt] })],
);
