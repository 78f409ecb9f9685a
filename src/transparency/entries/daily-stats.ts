import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.js';
import type { Clock } from '../../context.js';
import { DAY_MS } from '../../core/points/calculations.js';
import { appendLogEntries, type LogEntryInput } from './append.js';
import { affiliateDailyStatsEntry, programDailyStatsEntry, type AffiliateDailyStats, type ProgramDailyStats } from './stats.js';

/**
 * The daily statistics entries (stats.ts). For each UTC day that ended and is not in
 * log_daily_stats yet (looking back LOOKBACK_DAYS, so a worker that was down a few days catches
 * up), the figures are computed first, then ONE transaction per day inserts the log_daily_stats
 * rows (on conflict do nothing) and the entries of the rows it inserted: a second worker doing
 * the same day at the same moment writes nothing twice.
 */

/** How many ended days a run looks at: days older than this are never filled in. */
export const LOOKBACK_DAYS = 7;
/** The program figures cover the commissions created in this many days up to the day's end. */
export const PROGRAM_WINDOW_DAYS = 90;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const n = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Writes the statistics of every ended day not written yet; returns how many entries it wrote. */
export async function writeDailyStats(deps: { db: Db; clock: Clock }): Promise<number> {
  const today = Date.parse(dayOf(deps.clock()));
  let written = 0;
  for (let back = LOOKBACK_DAYS; back >= 1; back--) {
    written += await writeDay(deps, new Date(today - back * DAY_MS));
  }
  return written;
}

async function writeDay(deps: { db: Db; clock: Clock }, start: Date): Promise<number> {
  const day = dayOf(start);
  const end = new Date(start.getTime() + DAY_MS);
  const stats = [...(await programStats(deps.db, day, end)), ...(await affiliateStats(deps.db, day, start, end))];
  if (stats.length === 0) return 0;
  return await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const owners = `{${stats.map((s) => s.ownerId).join(',')}}`;
    const inserted = await queryRows<{ owner_id: string }>(
      tx,
      sql`insert into log_daily_stats (owner_id, day, created_at)
          select o, ${day}::date, ${deps.clock().toISOString()}::timestamptz from unnest(${owners}::text[]) o order by o
          on conflict do nothing returning owner_id`,
    );
    const fresh = new Set(inserted.map((r) => r.owner_id));
    const entries = stats.filter((s) => fresh.has(s.ownerId)).map((s) => s.entry);
    await appendLogEntries({ db: tx, clock: deps.clock }, entries);
    return entries.length;
  });
}

interface OwnerStats {
  ownerId: string;
  entry: LogEntryInput;
}

/** Every program that existed by the day's end and has no figures for the day yet. */
async function programStats(db: Db, day: string, end: Date): Promise<OwnerStats[]> {
  const endIso = end.toISOString();
  const from = new Date(end.getTime() - PROGRAM_WINDOW_DAYS * DAY_MS).toISOString();
  const rows = await queryRows(
    db,
    sql`select p.id, p.tenant_id, s.total, s.reversed, s.held, s.to_approval, s.to_payment
        from programs p
        cross join lateral (
          select count(*) as total,
            count(*) filter (where c.reversed_at < ${endIso}::timestamptz) as reversed,
            count(*) filter (where cardinality(c.hold_reasons) > 0) as held,
            percentile_cont(0.5) within group (order by extract(epoch from c.approved_at - c.created_at))
              filter (where c.approved_at < ${endIso}::timestamptz) as to_approval,
            percentile_cont(0.5) within group (order by extract(epoch from c.paid_at - c.approved_at))
              filter (where c.paid_at < ${endIso}::timestamptz and c.approved_at is not null) as to_payment
          from commissions c
          where c.program_id = p.id and c.kind <> 'clawback' and c.created_at >= ${from}::timestamptz and c.created_at < ${endIso}::timestamptz) s
        where p.created_at < ${endIso}::timestamptz
          and not exists (select 1 from log_daily_stats d where d.owner_id = p.id and d.day = ${day}::date)
        order by p.id`,
  );
  return rows.map((r) => {
    const total = n(r.total);
    const share = (part: unknown) => (total === 0 ? null : Math.round((n(part) * 10_000) / total));
    const days = (seconds: unknown) => (seconds === null || seconds === undefined ? null : Math.round((Number(seconds) / 86_400) * 100) / 100);
    const stats: ProgramDailyStats = {
      programId: r.id as string,
      day,
      windowDays: PROGRAM_WINDOW_DAYS,
      commissions: total,
      reversalRateBps: share(r.reversed),
      heldShareBps: share(r.held),
      medianDaysToApproval: days(r.to_approval),
      medianDaysApprovalToPayment: days(r.to_payment),
    };
    return { ownerId: stats.programId, entry: programDailyStatsEntry(stats, r.tenant_id as string) };
  });
}

/**
 * Affiliates with activity that day (clicks, conversions credited, commission entries) and no
 * figures for it yet. Their commissions are folded from their own commission entries: the latest
 * one of each commission recorded before midnight is its state at the end of the day, exactly.
 */
async function affiliateStats(db: Db, day: string, start: Date, end: Date): Promise<OwnerStats[]> {
  const startIso = start.toISOString();
  const endIso = end.toISOString();
  const active = await queryRows(
    db,
    sql`with owners as (
          select r.owner_member_id as id from click_daily_rollups r where r.day = ${day}::date
          union select c.partner_member_id from conversions c
            where c.partner_member_id is not null and c.created_at >= ${startIso}::timestamptz and c.created_at < ${endIso}::timestamptz
          -- Their own statistics entries are no activity (or every affiliate would stay active forever).
          union select o.partner_member_id from log_outbox o
            where o.partner_member_id is not null and o.type not like 'stats.%' and o.created_at >= ${startIso}::timestamptz and o.created_at < ${endIso}::timestamptz
          union select e.partner_member_id from log_entries e
            where e.partner_member_id is not null and e.type not like 'stats.%' and e.recorded_at >= ${startIso}::timestamptz and e.recorded_at < ${endIso}::timestamptz)
        select a.member_id, a.program_id, p.tenant_id,
          (select coalesce(sum(r.clicks), 0) from click_daily_rollups r where r.owner_member_id = a.member_id and r.day = ${day}::date) as clicks,
          (select count(*) from conversions c where c.partner_member_id = a.member_id
             and c.created_at >= ${startIso}::timestamptz and c.created_at < ${endIso}::timestamptz) as conversions
        from owners o
        join affiliate_profiles a on a.member_id = o.id
        join programs p on p.id = a.program_id
        where not exists (select 1 from log_daily_stats d where d.owner_id = a.member_id and d.day = ${day}::date)
        order by a.member_id`,
  );
  if (active.length === 0) return [];
  const ids = `{${active.map((r) => r.member_id as string).join(',')}}`;
  const totals = await queryRows(
    db,
    sql`with history as (
          select o.partner_member_id as partner, o.id as ord, o.entry::jsonb as e from log_outbox o
            where o.partner_member_id = any(${ids}::text[]) and o.type like 'commission.%' and o.created_at < ${endIso}::timestamptz
          union all
          select e.partner_member_id, e.outbox_id, e.entry::jsonb from log_entries e
            where e.partner_member_id = any(${ids}::text[]) and e.type like 'commission.%' and e.recorded_at < ${endIso}::timestamptz),
        latest as (select distinct on (h.e->>'commissionId') h.partner, h.e from history h order by h.e->>'commissionId', h.ord desc)
        select partner, e->>'status' as status, e->>'currency' as currency, e->>'payoutCurrency' as payout_currency, count(*) as count,
          sum((e->>'amount')::bigint - (e->>'reversedAmount')::bigint) as amount,
          sum((e->>'payoutAmount')::bigint - (e->>'payoutReversedAmount')::bigint) as payout_amount
        from latest group by 1, 2, 3, 4 order by 1, 2, 3, 4`,
  );
  const byPartner = new Map<string, AffiliateDailyStats['commissions']>();
  for (const t of totals) {
    const list = byPartner.get(t.partner as string) ?? [];
    list.push({
      status: t.status as AffiliateDailyStats['commissions'][number]['status'],
      currency: t.currency as string,
      payoutCurrency: t.payout_currency as string,
      count: n(t.count),
      amount: n(t.amount),
      payoutAmount: n(t.payout_amount),
    });
    byPartner.set(t.partner as string, list);
  }
  return active.map((r) => {
    const stats: AffiliateDailyStats = {
      partnerMemberId: r.member_id as string,
      programId: r.program_id as string,
      day,
      clicks: n(r.clicks),
      conversions: n(r.conversions),
      commissions: byPartner.get(r.member_id as string) ?? [],
    };
    return { ownerId: stats.partnerMemberId, entry: affiliateDailyStatsEntry(stats, r.tenant_id as string) };
  });
}
