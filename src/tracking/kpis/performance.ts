import { z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { withTransaction, type ServiceContext } from '../../context.js';
import { loadNamedMember, loadProgramInScope } from '../../core/auth/scope.js';
import { parseInput } from '../../core/validation.js';
import { ForbiddenError } from '../../errors.js';
import { ratio, type KpiFrame } from './frame.js';
import { COMMISSION_STATUSES, type CommissionStatusName } from './money.js';
import { clicksBy, commissionsBy, conversionsBy, linkLabels, type ClickRow, type CommissionRow, type ConversionRow } from './performance-queries.js';
import { kpiPeriod, KpiQuerySchema } from './query.js';
import { kpiScope } from './scope.js';

/**
 * One affiliate's performance over a period, shaped for their dashboard: a point per day (clicks,
 * conversions, commissions by status, EPC) and breakdowns by link and by country. Money stays per
 * payout currency; EUR and BRL are never added together.
 */

export const PerformanceQuerySchema = KpiQuerySchema.pick({ from: true, to: true });
export type PerformanceQuery = z.input<typeof PerformanceQuerySchema>;

/** Most links and countries in a breakdown, busiest first. */
export const MAX_BREAKDOWN_ROWS = 50;

export interface StatusAmount {
  currency: string;
  status: CommissionStatusName;
  count: number;
  amount: number;
}

export interface CurrencyAmount {
  currency: string;
  amount: number;
}

export interface CurrencyRate {
  currency: string;
  /** Minor units earned per counted click, 6 decimals; null without clicks. */
  value: number | null;
}

export interface Figures {
  clicks: number;
  conversions: number;
  conversionRate: number | null;
  /** Commissions (clawbacks left out) by payout currency and status, net of reversals before payment. */
  commissions: StatusAmount[];
  /** What the partner earns per currency: rejected excluded, reversals and clawbacks deducted (the KPIs' commission cost). */
  earned: CurrencyAmount[];
  epc: CurrencyRate[];
}

export interface AffiliatePerformance {
  programId: string;
  memberId: string;
  from: string;
  to: string;
  /** The markets covered: null for all (admins, the affiliate), a regional manager's countries. */
  countries: string[] | null;
  totals: Figures;
  days: (Figures & { day: string })[];
  /** `linkId` null: conversions credited without a link (promo codes, a bound customer). */
  byLink: (Figures & { linkId: string | null; slug: string | null; title: string | null; archived: boolean })[];
  /** `country` null: conversions without a market. Clicks count by visitor country, the rest by market. */
  byCountry: (Figures & { country: string | null })[];
}

const DAY_MS = 86_400_000;
const addDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

export async function getAffiliatePerformance(ctx: ServiceContext, programId: string, memberId: string, raw: PerformanceQuery = {}): Promise<AffiliatePerformance> {
  const query = parseInput(PerformanceQuerySchema, raw, 'query');
  const period = kpiPeriod(ctx.clock, query);
  const program = await loadProgramInScope(ctx, programId);
  // Merchant servers have their own reporting; this is a dashboard read.
  if (ctx.actor.kind === 'api_key') throw new ForbiddenError('Affiliate performance is read by people, not API keys.');
  const scope = kpiScope(ctx.actor, { partnerMemberId: memberId });
  // The affiliate in the path is read like their record: outside a manager's countries it is not found.
  await loadNamedMember(ctx, program, memberId);
  const f: KpiFrame = { program, period, scope, now: ctx.clock() };

  const snapshotOwned = !ctx.afterCommit;
  const q = await withTransaction(ctx, async (tx) => {
    if (snapshotOwned) await tx.db.execute(sql`set transaction isolation level repeatable read, read only`);
    const out = {} as Record<'day' | 'link' | 'country', { clicks: ClickRow[]; conversions: ConversionRow[]; commissions: CommissionRow[] }>;
    for (const dim of ['day', 'link', 'country'] as const) {
      out[dim] = { clicks: await clicksBy(tx.db, f, dim), conversions: await conversionsBy(tx.db, f, dim), commissions: await commissionsBy(tx.db, f, dim) };
    }
    return out;
  });

  const byDay = group(q.day);
  const days: AffiliatePerformance['days'] = [];
  for (let day = period.from; day <= period.to; day = addDay(day)) days.push({ day, ...(byDay.get(day) ?? figures([], [], [])) });

  const linkGroups = busiestFirst(group(q.link));
  const labels = await linkLabels(ctx.db, program.id, linkGroups.map(([id]) => id).filter((id): id is string => id !== null));
  const byLink = linkGroups.map(([linkId, fig]) => {
    const label = linkId ? labels.get(linkId) : undefined;
    return { linkId, slug: label?.slug ?? null, title: label?.title ?? null, archived: label?.status === 'archived', ...fig };
  });
  const byCountry = busiestFirst(group(q.country)).map(([country, fig]) => ({ country, ...fig }));

  return {
    programId: program.id,
    memberId,
    from: period.from,
    to: period.to,
    countries: scope.countries,
    totals: figures(q.day.clicks, q.day.conversions, q.day.commissions),
    days,
    byLink,
    byCountry,
  };
}

/** Joins the three queries of one dimension by key into figures. */
function group(rows: { clicks: ClickRow[]; conversions: ConversionRow[]; commissions: CommissionRow[] }): Map<string | null, Figures> {
  const keys = new Set<string | null>([...rows.clicks, ...rows.conversions, ...rows.commissions].map((r) => r.key));
  const out = new Map<string | null, Figures>();
  for (const key of keys) {
    out.set(
      key,
      figures(
        rows.clicks.filter((r) => r.key === key),
        rows.conversions.filter((r) => r.key === key),
        rows.commissions.filter((r) => r.key === key),
      ),
    );
  }
  return out;
}

function busiestFirst(groups: Map<string | null, Figures>): [string | null, Figures][] {
  return [...groups]
    .sort(([ka, a], [kb, b]) => b.clicks - a.clicks || b.conversions - a.conversions || String(ka).localeCompare(String(kb)))
    .slice(0, MAX_BREAKDOWN_ROWS);
}

function figures(clicks: ClickRow[], conversions: ConversionRow[], commissions: CommissionRow[]): Figures {
  const clickCount = clicks.reduce((n, r) => n + r.clicks, 0);
  const conversionCount = conversions.reduce((n, r) => n + r.conversions, 0);
  const byStatus = new Map<string, StatusAmount>();
  const earned = new Map<string, number>();
  for (const row of commissions) {
    if (row.status !== 'rejected') earned.set(row.currency, (earned.get(row.currency) ?? 0) + row.amount);
    if (row.clawback) continue;
    const k = `${row.currency}:${row.status}`;
    const bucket = byStatus.get(k) ?? { currency: row.currency, status: row.status, count: 0, amount: 0 };
    bucket.count += row.count;
    bucket.amount += row.amount;
    byStatus.set(k, bucket);
  }
  const order = (s: StatusAmount) => COMMISSION_STATUSES.indexOf(s.status);
  const earnedList = [...earned].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
  return {
    clicks: clickCount,
    conversions: conversionCount,
    conversionRate: ratio(conversionCount, clickCount),
    commissions: [...byStatus.values()].sort((a, b) => a.currency.localeCompare(b.currency) || order(a) - order(b)),
    earned: earnedList,
    epc: earnedList.map(({ currency, amount }) => ({ currency, value: ratio(amount, clickCount) })),
  };
}
