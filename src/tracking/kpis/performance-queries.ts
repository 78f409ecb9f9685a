import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import { clickDailyRollups, commissions, conversions, links } from '../../../db/schema/index.js';
import { ATTRIBUTED, conversionsInFrame, COUNTED_SALE, COUNTED_SIGNUP, exact, type KpiFrame } from './frame.js';
import type { CommissionStatusName } from './money.js';
import { inCountries, isPartner } from './scope.js';

/**
 * The aggregate queries behind one partner's performance: clicks, conversions and commissions,
 * each grouped by a dimension (day, link or country). The definitions are the KPI ones
 * (docs/kpis.md): clicks from the daily rollups, conversions and commissions by the day the
 * conversion happened (a cohort), commissions in their payout currency, never summed across currencies.
 */

export type PerformanceDimension = 'day' | 'link' | 'country';

export interface ClickRow {
  key: string | null;
  clicks: number;
}

export interface ConversionRow {
  key: string | null;
  conversions: number;
}

export interface CommissionRow {
  key: string | null;
  currency: string;
  status: CommissionStatusName;
  /** True for clawbacks (negative amounts taken back after payment). */
  clawback: boolean;
  count: number;
  /** Payout amount net of what refunds took back before payment, minor units of `currency`. */
  amount: number;
}

const CLICK_KEYS: Record<PerformanceDimension, SQL> = {
  day: sql`to_char(r.day, 'YYYY-MM-DD')`,
  link: sql`r.link_id`,
  country: sql`r.country`,
};

const CONVERSION_KEYS: Record<PerformanceDimension, SQL> = {
  day: sql`to_char(cv.occurred_at at time zone 'UTC', 'YYYY-MM-DD')`,
  link: sql`cv.link_id`,
  country: sql`cv.market_country`,
};

/** Counted clicks on the partner's links, from the rollups: the country is the visitor's. */
export async function clicksBy(db: Db, f: KpiFrame, dimension: PerformanceDimension): Promise<ClickRow[]> {
  const rows = await queryRows<{ key: string | null; clicks: unknown }>(
    db,
    sql`select ${CLICK_KEYS[dimension]} as key, coalesce(sum(r.clicks), 0) as clicks
        from ${clickDailyRollups} r
        where r.program_id = ${f.program.id}
          and r.day >= ${f.period.from}::date and r.day <= ${f.period.to}::date
          and ${inCountries(sql`r.country`, f.scope.countries)}
          and ${isPartner(sql`r.owner_member_id`, f.scope.partnerMemberId)}
        group by 1`,
  );
  return rows.map((r) => ({ key: r.key, clicks: exact(r.clicks) }));
}

/** Counted signups and sales credited to the partner (the KPIs' attributed conversions). */
export async function conversionsBy(db: Db, f: KpiFrame, dimension: PerformanceDimension): Promise<ConversionRow[]> {
  const rows = await queryRows<{ key: string | null; n: unknown }>(
    db,
    sql`select ${CONVERSION_KEYS[dimension]} as key, count(*) as n
        from ${conversions} cv
        where ${conversionsInFrame(f)} and (${COUNTED_SIGNUP} or ${COUNTED_SALE}) and ${ATTRIBUTED}
        group by 1`,
  );
  return rows.map((r) => ({ key: r.key, conversions: exact(r.n) }));
}

/** The partner's commissions on the period's conversions, per payout currency and status. */
export async function commissionsBy(db: Db, f: KpiFrame, dimension: PerformanceDimension): Promise<CommissionRow[]> {
  const rows = await queryRows<{ key: string | null; currency: string; status: CommissionStatusName; clawback: boolean; n: unknown; amount: unknown }>(
    db,
    sql`select ${CONVERSION_KEYS[dimension]} as key, cm.payout_currency as currency, cm.status, cm.kind = 'clawback' as clawback,
          count(*) as n, sum(cm.payout_amount - cm.payout_reversed_amount) as amount
        from ${commissions} cm
        join ${conversions} cv on cv.id = cm.conversion_id
        where ${conversionsInFrame({ ...f, scope: { ...f.scope, partnerMemberId: null } })}
          and ${isPartner(sql`cm.partner_member_id`, f.scope.partnerMemberId)}
        group by 1, 2, 3, 4`,
  );
  return rows.map((r) => ({ key: r.key, currency: r.currency.trim(), status: r.status, clawback: Boolean(r.clawback), count: exact(r.n), amount: exact(r.amount) }));
}

/** Slugs and titles of the links named in a breakdown (archived ones too: their history stays). */
export async function linkLabels(db: Db, programId: string, ids: string[]): Promise<Map<string, { slug: string; title: string | null; status: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; slug: string; title: string | null; status: string }>(
    db,
    sql`select l.id, l.slug, l.title, l.status from ${links} l
        where l.program_id = ${programId} and l.id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
  );
  return new Map(rows.map((r) => [r.id, { slug: r.slug, title: r.title, status: r.status }]));
}
