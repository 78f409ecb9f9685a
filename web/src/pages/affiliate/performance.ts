import { api, call } from '../../api/client';
import { lastDays } from './shared';

/** One affiliate's performance over the last `days` days (GET .../affiliates/{memberId}/performance). */
export async function loadPerformance(programId: string, memberId: string, days: number) {
  return await call(api.v1.programs[':programId'].affiliates[':memberId'].performance.$get({ param: { programId, memberId }, query: lastDays(days) }));
}

export type Performance = Awaited<ReturnType<typeof loadPerformance>>;
export type Figures = Performance['totals'];
export type CommissionStatus = Figures['commissions'][number]['status'];

/** Every payout currency the period has money in, the busiest first. */
export function currenciesOf(p: Performance): string[] {
  const earned = new Map(p.totals.earned.map((e) => [e.currency, e.amount]));
  for (const c of p.totals.commissions) if (!earned.has(c.currency)) earned.set(c.currency, 0);
  return [...earned].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

/** The amount of one status in one currency (0 when there is none). */
export function statusAmount(f: Figures, currency: string, status: CommissionStatus): number {
  return f.commissions.find((c) => c.currency === currency && c.status === status)?.amount ?? 0;
}

/** Commissions of one status, per currency, with their count. */
export function byStatus(f: Figures, status: CommissionStatus): { count: number; amounts: { currency: string; amount: number }[] } {
  const rows = f.commissions.filter((c) => c.status === status);
  return { count: rows.reduce((n, r) => n + r.count, 0), amounts: rows.map((r) => ({ currency: r.currency, amount: r.amount })) };
}

export const earnedIn = (f: Figures, currency: string): number => f.earned.find((e) => e.currency === currency)?.amount ?? 0;
export const epcIn = (f: Figures, currency: string): number | null => f.epc.find((e) => e.currency === currency)?.value ?? null;
