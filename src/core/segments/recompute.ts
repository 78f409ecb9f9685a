import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.js';
import { memberOrders, memberSegments, members, markets, programs } from '../../../db/schema/index.js';
import { enqueueAfterCommit, withTransaction, type ServiceContext } from '../../context.js';
import { ForbiddenError } from '../../errors.js';
import { recordAudit } from '../audit.js';
import { loadProgramInScope } from '../auth/scope.js';
import { segmentCaseSql, SEGMENTS, type Segment } from './classify.js';
import { segmentSettings } from './settings.js';

const DAY_MS = 86_400_000;

export interface RecomputeResult {
  programId: string;
  computedAt: Date;
  counts: Record<Segment, number>;
}

/**
 * Recomputes every member's segment in one program with one set-based statement, in one
 * transaction: RFM figures from member_orders, the segment by the rules in classify.ts.
 * Idempotent: running it again at the same moment writes the same rows.
 *
 * Counting orders are those not fully refunded (status completed or partially_refunded) that
 * happened by now; their net amount is amount - refunded_amount. Spend counts only orders in the
 * member's market currency, since minor units of different currencies cannot be added up.
 */
export async function recomputeProgramSegments(ctx: ServiceContext, programId: string): Promise<RecomputeResult> {
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    const settings = segmentSettings(program);
    // Two recomputes of one program (schedule and a manual request) take turns rather than interleave.
    await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${'segments:' + program.id}))`);

    const now = tx.clock();
    const nowTs = sql`${now.toISOString()}::timestamptz`;
    const windowStartTs = sql`${new Date(now.getTime() - settings.windowDays * DAY_MS).toISOString()}::timestamptz`;
    const wholeDaysSince = (at: unknown) => sql`floor(extract(epoch from (${nowTs} - ${at})) / 86400)::int`;

    const o = memberOrders;
    const orderStats = sql`
      select ${o.memberId} as member_id, ${o.currency} as currency,
        max(${o.occurredAt}) as last_order_at,
        count(*) filter (where ${o.occurredAt} >= ${windowStartTs}) as orders_in_window,
        coalesce(sum(${o.amount} - ${o.refundedAmount}) filter (where ${o.occurredAt} >= ${windowStartTs}), 0) as spend_in_window
      from ${o}
      where ${o.programId} = ${program.id} and ${o.status} <> 'refunded' and ${o.amount} > ${o.refundedAmount} and ${o.occurredAt} <= ${nowTs}
      group by ${o.memberId}, ${o.currency}`;

    // One row per member: recency and frequency over all currencies, spend in the market currency.
    const rfm = sql`
      select m.id as member_id,
        coalesce(mk.currency, p.payout_currency) as currency,
        ${wholeDaysSince(sql`max(s.last_order_at)`)} as recency_days,
        greatest(0, ${wholeDaysSince(sql`m.created_at`)}) as tenure_days,
        coalesce(sum(s.orders_in_window), 0)::int as frequency,
        coalesce(sum(s.spend_in_window) filter (where s.currency = coalesce(mk.currency, p.payout_currency)), 0)::bigint as monetary
      from ${members} m
      join ${programs} p on p.id = m.program_id
      left join ${markets} mk on mk.program_id = m.program_id and mk.country = m.country
      left join (${orderStats}) s on s.member_id = m.id
      where m.program_id = ${program.id}
      group by m.id, mk.currency, p.payout_currency`;

    const segment = segmentCaseSql(
      { recencyDays: sql`r.recency_days`, tenureDays: sql`r.tenure_days`, frequency: sql`r.frequency`, monetary: sql`r.monetary`, currency: sql`r.currency` },
      settings,
    );

    // Ordered by member id so concurrent writers (there should be none, see the lock) lock rows alike.
    await tx.db.execute(sql`
      insert into ${memberSegments} (member_id, program_id, segment, recency_days, frequency, monetary, currency, computed_at)
      select r.member_id, ${program.id}, ${segment}::member_segment, r.recency_days, r.frequency, r.monetary, r.currency, ${nowTs}
      from (${rfm}) r
      order by r.member_id
      on conflict (member_id) do update set
        program_id = excluded.program_id, segment = excluded.segment, recency_days = excluded.recency_days,
        frequency = excluded.frequency, monetary = excluded.monetary, currency = excluded.currency, computed_at = excluded.computed_at`);

    const rows = await queryRows<{ segment: Segment; n: number | string }>(
      tx.db,
      sql`select segment, count(*) as n from ${memberSegments} where program_id = ${program.id} group by segment`,
    );
    const counts = Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>;
    for (const r of rows) counts[r.segment] = Number(r.n);

    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'segments.recomputed',
      entityType: 'program',
      entityId: program.id,
      after: { computedAt: now.toISOString(), counts, settings },
    });
    return { programId: program.id, computedAt: now, counts };
  });
}

/** Queues a recompute of one program's segments (merchant servers and admins). */
export async function requestSegmentRecompute(ctx: ServiceContext, programId: string): Promise<{ programId: string; status: 'queued' }> {
  // Regional managers see only some countries; a program-wide recompute is not theirs to start.
  const { actor } = ctx;
  if (actor.kind === 'user' && actor.role !== 'admin') throw new ForbiddenError();
  return withTransaction(ctx, async (tx) => {
    const program = await loadProgramInScope(tx, programId);
    await recordAudit(tx, {
      tenantId: program.tenantId,
      programId: program.id,
      action: 'segments.recompute_requested',
      entityType: 'program',
      entityId: program.id,
    });
    await enqueueAfterCommit(tx, 'segments.recompute', { programId: program.id });
    return { programId: program.id, status: 'queued' as const };
  });
}
