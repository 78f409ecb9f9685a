import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { clickDailyRollups, conversions, customers, links } from '../../../db/schema/index.js';
import { ATTRIBUTED, conversionsInFrame, COUNTED_SALE, COUNTED_SIGNUP, exact, type KpiFrame } from './frame.js';
import { inCountries, isPartner } from './scope.js';

export interface ClickFigures {
  /** Counted clicks (neither bots nor duplicates). */
  clicks: number;
  /** Distinct visitors per link and day, summed. */
  uniqueClicks: number;
  /** Counted clicks on invite (member-get-member) links. */
  inviteClicks: number;
}

/**
 * Clicks from the daily rollups of the period's days: the market is the visitor's country, the
 * partner the link's owner (the same scope as the click stats).
 */
export async function clickFigures(db: Db, f: KpiFrame): Promise<ClickFigures> {
  const [row] = await queryRows<{ clicks: unknown; unique_clicks: unknown; invite_clicks: unknown }>(
    db,
    sql`select coalesce(sum(r.clicks), 0) as clicks,
          coalesce(sum(r.unique_clicks), 0) as unique_clicks,
          coalesce(sum(r.clicks) filter (where l.kind = 'invite'), 0) as invite_clicks
        from ${clickDailyRollups} r
        join ${links} l on l.id = r.link_id
        where r.program_id = ${f.program.id}
          and r.day >= ${f.period.from}::date and r.day <= ${f.period.to}::date
          and ${inCountries(sql`r.country`, f.scope.countries)}
          and ${isPartner(sql`r.owner_member_id`, f.scope.partnerMemberId)}`,
  );
  return { clicks: exact(row?.clicks), uniqueClicks: exact(row?.unique_clicks), inviteClicks: exact(row?.invite_clicks) };
}

export interface ConversionFigures {
  signups: number;
  sales: number;
  pendingSales: number;
  attributedSignups: number;
  attributedSales: number;
  /** Counted sales whose customer is a program member. */
  memberSales: number;
  /** Counted, attributed signups and sales that came through an invite link. */
  inviteConversions: number;
}

/** Every conversion count, in one pass over the period's conversions. */
export async function conversionFigures(db: Db, f: KpiFrame): Promise<ConversionFigures> {
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select
          count(*) filter (where ${COUNTED_SIGNUP}) as signups,
          count(*) filter (where ${COUNTED_SALE}) as sales,
          count(*) filter (where cv.kind = 'sale' and cv.status = 'pending') as pending_sales,
          count(*) filter (where ${COUNTED_SIGNUP} and ${ATTRIBUTED}) as attributed_signups,
          count(*) filter (where ${COUNTED_SALE} and ${ATTRIBUTED}) as attributed_sales,
          count(*) filter (where ${COUNTED_SALE} and cu.member_id is not null) as member_sales,
          count(*) filter (where (${COUNTED_SIGNUP} or ${COUNTED_SALE}) and ${ATTRIBUTED} and l.kind = 'invite') as invite_conversions
        from ${conversions} cv
        left join ${customers} cu on cu.id = cv.customer_id
        left join ${links} l on l.id = cv.link_id
        where ${conversionsInFrame(f)}`,
  );
  return {
    signups: exact(row?.['signups']),
    sales: exact(row?.['sales']),
    pendingSales: exact(row?.['pending_sales']),
    attributedSignups: exact(row?.['attributed_signups']),
    attributedSales: exact(row?.['attributed_sales']),
    memberSales: exact(row?.['member_sales']),
    inviteConversions: exact(row?.['invite_conversions']),
  };
}
