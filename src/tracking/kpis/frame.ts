import { sql, type SQL } from 'drizzle-orm';
import type { Program } from '../../core/auth/scope.js';
import type { KpiPeriod } from './query.js';
import { inCountries, isPartner, type KpiScope } from './scope.js';

/** Everything one KPI computation is about: the program, the period, the rows in scope, and now. */
export interface KpiFrame {
  program: Program;
  period: KpiPeriod;
  scope: KpiScope;
  now: Date;
}

export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * The conversions `cv` a KPI looks at: of the program, happened (`occurred_at`) in the period, of a
 * market in scope (`market_country`, decided by processing), of the partner in scope.
 */
export function conversionsInFrame(f: KpiFrame): SQL {
  return sql`cv.program_id = ${f.program.id}
    and cv.occurred_at >= ${ts(f.period.start)} and cv.occurred_at < ${ts(f.period.end)}
    and ${inCountries(sql`cv.market_country`, f.scope.countries)}
    and ${isPartner(sql`cv.partner_member_id`, f.scope.partnerMemberId)}`;
}

/** A signup counts unless cancelled. */
export const COUNTED_SIGNUP = sql`(cv.kind = 'signup' and cv.status <> 'cancelled')`;

/**
 * A sale counts once completed, as long as some of it is left: pending sales are not sales yet,
 * fully refunded and cancelled ones are undone.
 */
export const COUNTED_SALE = sql`(cv.kind = 'sale' and cv.status in ('completed', 'partially_refunded'))`;

/** Credited to a partner by processing. */
export const ATTRIBUTED = sql`(cv.partner_member_id is not null)`;

/** Numbers from the database (counts and sums arrive as strings or bigints) as JS numbers, exactly. */
export function exact(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : Number(BigInt(String(value)));
  if (!Number.isSafeInteger(n)) throw new Error(`KPI figure ${String(value)} is not a safe integer`);
  return n;
}

/** numerator / denominator to 6 decimal places; null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator / denominator) * 1e6) / 1e6;
}
