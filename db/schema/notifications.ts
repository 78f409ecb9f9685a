import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { newId } from '../ids.js';
import { tstz } from './columns.js';
import { members } from './members.js';
import { programs } from './programs.js';

/** What happened, in words the recipient reads in their own language (namespace `notifications`). */
export const NOTIFICATION_KINDS = ['payout_paid', 'payout_failed', 'payout_reversed', 'commission_approved', 'commission_rejected'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * A message to one affiliate or member about their money. The row keeps the facts (`params`),
 * not the text: each reader sees it in their language and market's words at read time.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey().$defaultFn(() => newId('ntf')),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').$type<NotificationKind>().notNull(),
    /** Amounts in minor units with their currency, ids, reason codes: whatever the text interpolates. */
    params: jsonb('params').$type<Record<string, string | number | null>>().notNull().default({}),
    /** One notification per event: the event's own id (`payout_paid:<payoutId>`), so a replay adds nothing. */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    readAt: tstz('read_at'),
  },
  (t) => [
    unique('notifications_dedupe_uq').on(t.dedupeKey),
    index('notifications_member_idx').on(t.memberId, t.createdAt, t.id),
    check('notifications_kind', sql`${t.kind} in ('payout_paid', 'payout_failed', 'payout_reversed', 'commission_approved', 'commission_rejected')`),
  ],
);
