import { z } from '@hono/zod-openapi';
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { clickDailyRollups as r } from '../../../db/schema/index.js';
import type { ServiceContext } from '../../context.js';
import type { Actor } from '../../core/auth/actor.js';
import { loadProgramInScope, namedMemberFilter } from '../../core/auth/scope.js';
import { isIsoDate } from '../../core/members/custom-fields.js';
import { parseInput } from '../../core/validation.js';
import { findLinkInScope } from '../links/store.js';

/** Dashboard click statistics, read from the daily rollups the click flush keeps up to date. */

export const CLICK_STATS_GROUPS = ['day', 'link', 'country', 'owner'] as const;
export type ClickStatsGroup = (typeof CLICK_STATS_GROUPS)[number];

export const MAX_STATS_DAYS = 366;
const DEFAULT_STATS_DAYS = 30;
const DAY_MS = 86_400_000;

const DateSchema = z.string().refine(isIsoDate, 'must be a date in YYYY-MM-DD form').openapi({ example: '2024-03-01' });

export const ClickStatsQuerySchema = z.object({
  from: DateSchema.optional().openapi({ description: `First day (UTC), inclusive; defaults to ${DEFAULT_STATS_DAYS - 1} days before \`to\`.` }),
  to: DateSchema.optional().openapi({ description: `Last day (UTC), inclusive; defaults to today. At most ${MAX_STATS_DAYS} days from \`from\`.` }),
  groupBy: z.enum(CLICK_STATS_GROUPS).default('day').openapi({ description: 'One row per day (every day of the range), link, visitor country or link owner.' }),
  linkId: z.string().min(1).max(64).optional(),
  ownerMemberId: z.string().min(1).max(64).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code in upper case (XX is unknown)')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ description: 'Rows at most when grouping by link, country or owner (most clicks first).' }),
});

export type ClickStatsQuery = z.input<typeof ClickStatsQuerySchema>;

export interface ClickCounts {
  clicks: number;
  /** Distinct visitors per day, summed over the days in the row. */
  uniqueClicks: number;
  duplicateClicks: number;
  botClicks: number;
}

export interface ClickStats {
  from: string;
  to: string;
  groupBy: ClickStatsGroup;
  rows: (ClickCounts & { key: string })[];
  totals: ClickCounts;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));

/** The UTC day range asked for, defaults filled in; issues name `query.from` / `query.to`. */
function dayRange(ctx: ServiceContext, query: { from?: string; to?: string }): { from: string; to: string } {
  const to = query.to ?? isoDay(ctx.clock());
  const from = query.from ?? addDays(to, -(DEFAULT_STATS_DAYS - 1));
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  const check = z
    .object({ from: z.string(), to: z.string() })
    .refine(() => days >= 1, { path: ['from'], message: 'must not be after to' })
    .refine(() => days <= MAX_STATS_DAYS, { path: ['to'], message: `must be at most ${MAX_STATS_DAYS} days after from (inclusive)` });
  return parseInput(check, { from, to }, 'query');
}

/** Which rollup rows the actor may see: their own links, their markets, or the whole program. */
function statsScopeCondition(actor: Actor): SQL | undefined {
  if (actor.kind !== 'user') return undefined;
  switch (actor.role) {
    case 'admin':
      return undefined;
    case 'regional_manager':
      // Managers see their markets: the visitor country of the clicks, whoever owns the link.
      return actor.countries.length ? inArray(r.country, actor.countries) : sql`false`;
    case 'affiliate':
    case 'member':
      return eq(r.ownerMemberId, actor.memberId);
  }
}

const counts = {
  clicks: sql<number>`coalesce(sum(${r.clicks}), 0)`.mapWith(Number),
  uniqueClicks: sql<number>`coalesce(sum(${r.uniqueClicks}), 0)`.mapWith(Number),
  duplicateClicks: sql<number>`coalesce(sum(${r.duplicateClicks}), 0)`.mapWith(Number),
  botClicks: sql<number>`coalesce(sum(${r.botClicks}), 0)`.mapWith(Number),
};

const KEYS: Record<ClickStatsGroup, SQL<string>> = {
  day: sql<string>`to_char(${r.day}, 'YYYY-MM-DD')`,
  link: sql<string>`${r.linkId}`,
  country: sql<string>`${r.country}`,
  owner: sql<string>`${r.ownerMemberId}`,
};

/**
 * Managers see the clicks in their markets on any link, but may name only links of owners in
 * their countries: any other link id matches nothing, exactly like one that does not exist.
 */
async function namedLinkFilter(ctx: ServiceContext, linkId: string): Promise<SQL> {
  return (await findLinkInScope(ctx, linkId)) ? eq(r.linkId, linkId) : sql`false`;
}

const ZERO: ClickCounts = { clicks: 0, uniqueClicks: 0, duplicateClicks: 0, botClicks: 0 };

export async function getClickStats(ctx: ServiceContext, programId: string, raw: ClickStatsQuery): Promise<ClickStats> {
  const query = parseInput(ClickStatsQuerySchema, raw, 'query');
  const { from, to } = dayRange(ctx, query);
  const program = await loadProgramInScope(ctx, programId);
  const where = and(
    eq(r.programId, program.id),
    gte(r.day, from),
    lte(r.day, to),
    statsScopeCondition(ctx.actor),
    query.linkId ? await namedLinkFilter(ctx, query.linkId) : undefined,
    await namedMemberFilter(ctx, program, r.ownerMemberId, query.ownerMemberId),
    query.country ? eq(r.country, query.country) : undefined,
  );
  const key = KEYS[query.groupBy];
  const grouped = ctx.db.select({ key, ...counts }).from(r).where(where).groupBy(key);
  const [rows, [totals]] = await Promise.all([
    query.groupBy === 'day' ? grouped.orderBy(asc(key)) : grouped.orderBy(desc(counts.clicks), asc(key)).limit(query.limit),
    ctx.db.select(counts).from(r).where(where),
  ]);
  return { from, to, groupBy: query.groupBy, rows: query.groupBy === 'day' ? everyDay(from, to, rows) : rows, totals: totals ?? ZERO };
}

/** Charts want a point per day: days without clicks get zeros. */
function everyDay(from: string, to: string, rows: (ClickCounts & { key: string })[]): (ClickCounts & { key: string })[] {
  const byDay = new Map(rows.map((row) => [row.key, row]));
  const out: (ClickCounts & { key: string })[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(byDay.get(day) ?? { key: day, ...ZERO });
  return out;
}
