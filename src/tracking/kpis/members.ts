import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { conversions, customers, memberOrders, members } from '../../../db/schema/index.js';
import { segmentSettings } from '../../core/segments/settings.js';
import { COUNTED_SALE, exact, ts, type KpiFrame } from './frame.js';
import { inCountries } from './scope.js';

/** A new member is active when they buy within this many days of joining. */
export const ACTIVATION_DAYS = 30;

/**
 * Member measures. A member's purchases are their orders (`member_orders` not fully refunded) and
 * the counted sales whose customer is that member; a purchase reported both ways under the same
 * merchant id (external id) is one purchase.
 */

/**
 * The members `m` in scope: of the program, living in a market in scope, and, for a partner, the
 * members they brought: referred by them (invite), or a customer bound to them by attribution.
 */
function membersInScope(f: KpiFrame): SQL {
  const partner = f.scope.partnerMemberId;
  return sql`m.program_id = ${f.program.id}
    and ${inCountries(sql`m.country`, f.scope.countries)}
    and ${
      partner === null
        ? sql`true`
        : sql`(m.referred_by_member_id = ${partner}
            or exists (select 1 from ${customers} bc where bc.member_id = m.id and bc.bound_partner_id = ${partner}))`
    }`;
}

/** Member `m` made a purchase that happened before `before`. */
function purchasedBefore(before: SQL): SQL {
  return sql`(exists (select 1 from ${memberOrders} o where o.member_id = m.id and o.status <> 'refunded' and o.occurred_at < ${before})
    or exists (select 1 from ${customers} cu join ${conversions} cv on cv.customer_id = cu.id
               where cu.member_id = m.id and ${COUNTED_SALE} and cv.occurred_at < ${before}))`;
}

/** When member `m` last purchased before `before` (null if never). */
function lastPurchaseBefore(before: SQL): SQL {
  return sql`greatest(
    (select max(o.occurred_at) from ${memberOrders} o where o.member_id = m.id and o.status <> 'refunded' and o.occurred_at < ${before}),
    (select max(cv.occurred_at) from ${customers} cu join ${conversions} cv on cv.customer_id = cu.id
     where cu.member_id = m.id and ${COUNTED_SALE} and cv.occurred_at < ${before}))`;
}

export interface ActivationFigures {
  newMembers: number;
  activatedMembers: number;
}

/**
 * Members who joined (`created_at`) in the period, and those of them whose first purchase came no
 * later than ACTIVATION_DAYS after joining (a purchase before joining, such as the one that made
 * them a member, counts).
 */
export async function activationFigures(db: Db, f: KpiFrame): Promise<ActivationFigures> {
  const [row] = await queryRows<{ new_members: unknown; activated: unknown }>(
    db,
    sql`select count(*) as new_members,
          count(*) filter (where ${purchasedBefore(sql`m.created_at + ${sql.raw(`interval '${ACTIVATION_DAYS} days'`)}`)}) as activated
        from ${members} m
        where ${membersInScope(f)} and m.created_at >= ${ts(f.period.start)} and m.created_at < ${ts(f.period.end)}`,
  );
  return { newMembers: exact(row?.new_members), activatedMembers: exact(row?.activated) };
}

export interface ChurnFigures {
  /** Members who had joined before the period and were not churned when it began. */
  activeAtStart: number;
  /** Of those, the ones churned when it ended (or now, for a period not over yet). */
  churnedMembers: number;
}

/**
 * Churn by the `churned` segment rule (src/core/segments/classify.ts) at two moments: a member is
 * churned at t when the whole days since their last purchase before t (or since joining, if none)
 * exceed the program's `segments.churnedAfterDays`.
 */
export async function churnFigures(db: Db, f: KpiFrame): Promise<ChurnFigures> {
  const { churnedAfterDays } = segmentSettings(f.program);
  const start = f.period.start;
  const end = new Date(Math.max(start.getTime(), Math.min(f.period.end.getTime(), f.now.getTime())));
  const churnedAt = (at: Date, last: SQL) => sql`floor(extract(epoch from (${ts(at)} - coalesce(${last}, m.created_at))) / 86400) > ${churnedAfterDays}`;
  const [row] = await queryRows<{ active_at_start: unknown; churned: unknown }>(
    db,
    sql`select count(*) filter (where not x.churned_at_start) as active_at_start,
          count(*) filter (where not x.churned_at_start and x.churned_at_end) as churned
        from (
          select ${churnedAt(start, sql`lp.at_start`)} as churned_at_start, ${churnedAt(end, sql`lp.at_end`)} as churned_at_end
          from ${members} m
          cross join lateral (select ${lastPurchaseBefore(ts(start))} as at_start, ${lastPurchaseBefore(ts(end))} as at_end) lp
          where ${membersInScope(f)} and m.created_at < ${ts(start)}
        ) x`,
  );
  return { activeAtStart: exact(row?.active_at_start), churnedMembers: exact(row?.churned) };
}

export interface RepurchaseFigures {
  /** Members with at least one purchase in the period. */
  purchasingMembers: number;
  /** Members with at least two. */
  repeatPurchasers: number;
}

/** Purchases in the period per member in scope, deduplicated by the merchant's id. */
export async function repurchaseFigures(db: Db, f: KpiFrame): Promise<RepurchaseFigures> {
  const inPeriod = (column: SQL) => sql`${column} >= ${ts(f.period.start)} and ${column} < ${ts(f.period.end)}`;
  const [row] = await queryRows<{ purchasing: unknown; repeating: unknown }>(
    db,
    sql`with p as (
          select o.member_id, o.external_id from ${memberOrders} o
          where o.program_id = ${f.program.id} and o.status <> 'refunded' and ${inPeriod(sql`o.occurred_at`)}
          union
          select cu.member_id, cv.external_id from ${conversions} cv join ${customers} cu on cu.id = cv.customer_id
          where cv.program_id = ${f.program.id} and ${COUNTED_SALE} and cu.member_id is not null and ${inPeriod(sql`cv.occurred_at`)}
        )
        select count(*) as purchasing, count(*) filter (where x.n >= 2) as repeating
        from (select p.member_id, count(*) as n from p join ${members} m on m.id = p.member_id where ${membersInScope(f)} group by p.member_id) x`,
  );
  return { purchasingMembers: exact(row?.purchasing), repeatPurchasers: exact(row?.repeating) };
}
