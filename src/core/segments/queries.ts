import { and, asc, count, eq, gt, max } from 'drizzle-orm';
import { memberSegments, members } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import { assertStaff, loadProgramInScope, memberScopeCondition } from '../auth/scope.js';
import { pageLimit, toPage, type Page, type PageInput } from '../pagination.js';
import { SEGMENTS, type Segment } from './classify.js';

export interface SegmentCounts {
  /** Every segment, zero included, in precedence order. */
  data: { segment: Segment; members: number }[];
  /** When the counted rows were computed; null before the first computation. */
  computedAt: Date | null;
}

/** How many members sit in each segment, limited to the members the actor may see. */
export async function segmentCounts(ctx: ServiceContext, programId: string): Promise<SegmentCounts> {
  assertStaff(ctx.actor);
  const program = await loadProgramInScope(ctx, programId);
  const rows = await ctx.db
    .select({ segment: memberSegments.segment, members: count(), computedAt: max(memberSegments.computedAt) })
    .from(memberSegments)
    .innerJoin(members, eq(members.id, memberSegments.memberId))
    .where(and(eq(memberSegments.programId, program.id), memberScopeCondition(ctx.actor)))
    .groupBy(memberSegments.segment);
  const bySegment = new Map(rows.map((r) => [r.segment, r]));
  let computedAt: Date | null = null;
  for (const r of rows) {
    // max() over a timestamp comes back as a string on some drivers.
    const at = r.computedAt ? new Date(r.computedAt) : null;
    if (at && (!computedAt || at > computedAt)) computedAt = at;
  }
  return {
    data: SEGMENTS.map((segment) => ({ segment, members: Number(bySegment.get(segment)?.members ?? 0) })),
    computedAt,
  };
}

export interface SegmentMemberView {
  id: string;
  name: string;
  email: string | null;
  country: string | null;
  segment: Segment;
  recencyDays: number | null;
  frequency: number;
  monetary: number;
  currency: string;
  computedAt: Date;
}

/** The members of one segment, by member id, limited to the members the actor may see. */
export async function listSegmentMembers(
  ctx: ServiceContext,
  input: { programId: string; segment: Segment; page?: PageInput },
): Promise<Page<SegmentMemberView>> {
  assertStaff(ctx.actor);
  const program = await loadProgramInScope(ctx, input.programId);
  const { limit, fetch, cursor } = pageLimit(input.page);
  const rows = await ctx.db
    .select({
      id: members.id,
      name: members.name,
      email: members.email,
      country: members.country,
      segment: memberSegments.segment,
      recencyDays: memberSegments.recencyDays,
      frequency: memberSegments.frequency,
      monetary: memberSegments.monetary,
      currency: memberSegments.currency,
      computedAt: memberSegments.computedAt,
    })
    .from(memberSegments)
    .innerJoin(members, eq(members.id, memberSegments.memberId))
    .where(
      and(
        eq(memberSegments.programId, program.id),
        eq(memberSegments.segment, input.segment),
        memberScopeCondition(ctx.actor),
        cursor ? gt(memberSegments.memberId, cursor) : undefined,
      ),
    )
    .orderBy(asc(memberSegments.memberId))
    .limit(fetch);
  return toPage(rows, limit);
}
