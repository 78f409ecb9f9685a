import { sql, type SQL } from 'drizzle-orm';
import { bigSpenderThreshold, type SegmentSettings } from './settings.js';

/** The automatic segments, in the order they are decided (first match wins); `new` is the rest. */
export const SEGMENTS = ['churned', 'at_risk', 'big_spender', 'loyal', 'returning', 'new'] as const;
export type Segment = (typeof SEGMENTS)[number];

/** A member's RFM figures at the moment of computation. */
export interface MemberRfm {
  /** Whole days since the last counting order; null when the member never ordered. */
  recencyDays: number | null;
  /** Whole days since the member joined the program. */
  tenureDays: number;
  /** Counting orders within the window. */
  frequency: number;
  /** Net spend within the window, minor units of `currency`. */
  monetary: number;
  /** The currency of the member's market (the program's payout currency without one). */
  currency: string;
}

/** The same figures as SQL expressions, so the set-based recompute applies the very same rules. */
export interface RfmColumns {
  recencyDays: SQL;
  tenureDays: SQL;
  frequency: SQL;
  monetary: SQL;
  currency: SQL;
}

interface SegmentRule {
  segment: Exclude<Segment, 'new'>;
  applies(m: MemberRfm, s: SegmentSettings): boolean;
  condition(c: RfmColumns, s: SegmentSettings): SQL;
}

// A member who never ordered goes quiet from the day they joined.
const inactiveDays = (m: MemberRfm) => m.recencyDays ?? m.tenureDays;
const inactiveDaysSql = (c: RfmColumns) => sql`coalesce(${c.recencyDays}, ${c.tenureDays})`;

/**
 * Precedence: lapsing beats everything (a big spender who stopped buying needs a win-back, not a
 * thank-you), then value, then frequency. Keep docs/segments.md in step with this list.
 */
const RULES: readonly SegmentRule[] = [
  {
    segment: 'churned',
    applies: (m, s) => inactiveDays(m) > s.churnedAfterDays,
    condition: (c, s) => sql`${inactiveDaysSql(c)} > ${s.churnedAfterDays}`,
  },
  {
    segment: 'at_risk',
    applies: (m, s) => inactiveDays(m) > s.atRiskAfterDays,
    condition: (c, s) => sql`${inactiveDaysSql(c)} > ${s.atRiskAfterDays}`,
  },
  {
    segment: 'big_spender',
    applies: (m, s) => m.monetary >= bigSpenderThreshold(s, m.currency),
    condition: (c, s) => sql`${c.monetary} >= ${bigSpenderThresholdSql(c.currency, s)}`,
  },
  {
    segment: 'loyal',
    applies: (m, s) => m.frequency >= s.loyalMinOrders,
    condition: (c, s) => sql`${c.frequency} >= ${s.loyalMinOrders}`,
  },
  {
    segment: 'returning',
    applies: (m, s) => m.frequency >= s.returningMinOrders,
    condition: (c, s) => sql`${c.frequency} >= ${s.returningMinOrders}`,
  },
];

function bigSpenderThresholdSql(currency: SQL, s: SegmentSettings): SQL {
  const overrides = Object.entries(s.bigSpenderMinSpendByCurrency);
  if (overrides.length === 0) return sql`${s.bigSpenderMinSpend}::bigint`;
  const branches = overrides.map(([code, min]) => sql`when ${code} then ${min}::bigint`);
  return sql`(case ${currency} ${sql.join(branches, sql` `)} else ${s.bigSpenderMinSpend}::bigint end)`;
}

/** The one segment a member belongs to. */
export function classifyMember(m: MemberRfm, s: SegmentSettings): Segment {
  return RULES.find((rule) => rule.applies(m, s))?.segment ?? 'new';
}

/** `case when ... end` choosing the segment in SQL, rule for rule the same as classifyMember. */
export function segmentCaseSql(c: RfmColumns, s: SegmentSettings): SQL {
  const branches = RULES.map((rule) => sql`when ${rule.condition(c, s)} then ${rule.segment}`);
  return sql`(case ${sql.join(branches, sql` `)} else 'new' end)`;
}
