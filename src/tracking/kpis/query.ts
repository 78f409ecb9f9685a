import { z } from '@hono/zod-openapi';
import type { Clock } from '../../context.js';
import { isIsoDate } from '../../core/members/custom-fields.js';
import { parseInput } from '../../core/validation.js';

/** The query of the KPI API: a period of whole UTC days, and optionally one market and one partner. */

export const MAX_KPI_DAYS = 366;
const DEFAULT_KPI_DAYS = 30;
export const DAY_MS = 86_400_000;

const DaySchema = z.string().refine(isIsoDate, 'must be a date in YYYY-MM-DD form').openapi({ example: '2025-03-01' });

export const KpiQuerySchema = z.object({
  from: DaySchema.optional().openapi({ description: `First day (UTC), inclusive; defaults to ${DEFAULT_KPI_DAYS - 1} days before \`to\`.` }),
  to: DaySchema.optional().openapi({ description: `Last day (UTC), inclusive; defaults to today. At most ${MAX_KPI_DAYS} days from \`from\`.` }),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter country code in upper case')
    .optional()
    .openapi({ description: 'One market: conversions and commissions of that market, clicks from that country, members living there.' }),
  partnerMemberId: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: "One partner (affiliate or referring member). Affiliates and members always see their own numbers." }),
});

export type KpiQuery = z.input<typeof KpiQuerySchema>;

/** A period of whole UTC days: `from` and `to` inclusive, `start`/`end` the instants bounding it (end exclusive). */
export interface KpiPeriod {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** The period asked for, defaults filled in; issues name `query.from` / `query.to`. */
export function kpiPeriod(clock: Clock, query: { from?: string | undefined; to?: string | undefined }): KpiPeriod {
  const to = query.to ?? isoDay(clock());
  const from = query.from ?? isoDay(new Date(dayStart(to).getTime() - (DEFAULT_KPI_DAYS - 1) * DAY_MS));
  const days = (dayStart(to).getTime() - dayStart(from).getTime()) / DAY_MS + 1;
  const check = z
    .object({ from: z.string(), to: z.string() })
    .refine(() => days >= 1, { path: ['from'], message: 'must not be after to' })
    .refine(() => days <= MAX_KPI_DAYS, { path: ['to'], message: `must be at most ${MAX_KPI_DAYS} days after from (inclusive)` });
  parseInput(check, { from, to }, 'query');
  return { from, to, start: dayStart(from), end: new Date(dayStart(to).getTime() + DAY_MS) };
}
