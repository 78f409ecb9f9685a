import { sql } from 'drizzle-orm';
import { bigint, char, check, index, integer, pgEnum, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { members } from './members.js';
import { programs } from './programs.js';

export const memberSegment = pgEnum('member_segment', ['new', 'loyal', 'big_spender', 'returning', 'at_risk', 'churned']);

/**
 * Each member's automatic RFM segment and the figures it was decided on. Rewritten wholesale per
 * program by the segments.recompute job (src/core/segments/recompute.ts); never edited by hand.
 */
export const memberSegments = pgTable(
  'member_segments',
  {
    memberId: text('member_id')
      .primaryKey()
      .references(() => members.id),
    programId: text('program_id')
      .notNull()
      .references(() => programs.id),
    segment: memberSegment('segment').notNull(),
    /** Whole days since the last counting order; null when the member never ordered. */
    recencyDays: integer('recency_days'),
    /** Counting orders within the program's window. */
    frequency: integer('frequency').notNull(),
    /** Net spend within the window, minor units of `currency` (the member's market currency). */
    monetary: bigint('monetary', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    computedAt: tstz('computed_at').notNull(),
  },
  (t) => [
    index('member_segments_program_segment_idx').on(t.programId, t.segment, t.memberId),
    check('member_segments_figures_nonneg', sql`${t.frequency} >= 0 and ${t.monetary} >= 0 and (${t.recencyDays} is null or ${t.recencyDays} >= 0)`),
  ],
);
