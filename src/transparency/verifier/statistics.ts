import type { LogClient } from './fetch.js';
import type { VerificationReport } from './report.js';

/** A commission as its latest log entry shows it (every commission.* entry carries the whole commission). */
export interface LoggedCommission {
  commissionId: string;
  kind: string;
  status: string;
  amount: number;
  reversedAmount: number;
  currency: string;
  payoutAmount: number;
  payoutReversedAmount: number;
  payoutCurrency: string;
}

/** Count and sums of one (status, currency) bucket, in minor units of that currency. */
export interface CommissionBucket {
  count: number;
  amount: number;
  reversedAmount: number;
}

export interface AffiliateStatistics {
  /** Conversions credited to the affiliate (conversion.decided entries naming them). */
  conversions: number;
  commissions: Map<string, LoggedCommission>;
  /** Keyed `status currency`, e.g. `pending EUR`. */
  byStatusAndCurrency: Map<string, CommissionBucket>;
}

type Entry = Record<string, unknown>;

export function parseEntry(bytes: Uint8Array | string): Entry | undefined {
  try {
    const parsed = JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Entry) : undefined;
  } catch {
    return undefined;
  }
}

/** Recomputes an affiliate's figures from their own entries, given oldest first. */
export function affiliateStatistics(entries: readonly Entry[], memberId: string): AffiliateStatistics {
  const conversions = new Set<string>();
  const commissions = new Map<string, LoggedCommission>();
  for (const e of entries) {
    if (e.partnerMemberId !== memberId || typeof e.type !== 'string') continue;
    if (e.type === 'conversion.decided') conversions.add(String(e.conversionId));
    if (e.type.startsWith('commission.')) {
      commissions.set(String(e.commissionId), {
        commissionId: String(e.commissionId),
        kind: String(e.kind),
        status: String(e.status),
        amount: Number(e.amount),
        reversedAmount: Number(e.reversedAmount),
        currency: String(e.currency),
        payoutAmount: Number(e.payoutAmount),
        payoutReversedAmount: Number(e.payoutReversedAmount),
        payoutCurrency: String(e.payoutCurrency),
      });
    }
  }
  return { conversions: conversions.size, commissions, byStatusAndCurrency: bucketsOf(commissions.values()) };
}

export function bucketsOf(commissions: Iterable<Pick<LoggedCommission, 'status' | 'currency' | 'amount' | 'reversedAmount'>>): Map<string, CommissionBucket> {
  const out = new Map<string, CommissionBucket>();
  for (const c of commissions) {
    const key = `${c.status} ${c.currency}`;
    const b = out.get(key) ?? { count: 0, amount: 0, reversedAmount: 0 };
    b.count++;
    b.amount += c.amount;
    b.reversedAmount += c.reversedAmount;
    out.set(key, b);
  }
  return out;
}

export const describeBuckets = (buckets: Map<string, CommissionBucket>) =>
  [...buckets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, b]) => `${k}: ${b.count} (${b.amount - b.reversedAmount} net)`)
    .join(', ') || 'none';

const COMPARED = ['kind', 'status', 'amount', 'reversedAmount', 'currency', 'payoutAmount', 'payoutReversedAmount', 'payoutCurrency'] as const;
const MAX_LINES = 10;

/** Every commission the dashboard shows (the affiliate's own, all pages). */
export async function dashboardCommissions(client: LogClient, token: string, programId: string): Promise<LoggedCommission[]> {
  const out: LoggedCommission[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: (LoggedCommission & { id: string })[]; nextCursor: string | null } = await client.json(
      `/v1/programs/${encodeURIComponent(programId)}/commissions?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    out.push(...page.data.map((c) => ({ ...c, commissionId: c.id })));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The dashboard against the log, commission by commission: each one shown must be logged with the
 * same status and amounts, and each logged one must be shown. Differences are failure lines.
 */
export function compareWithDashboard(logged: AffiliateStatistics, dashboard: readonly LoggedCommission[], report: VerificationReport): void {
  const problems: string[] = [];
  const shown = new Set<string>();
  for (const d of dashboard) {
    shown.add(d.commissionId);
    const l = logged.commissions.get(d.commissionId);
    if (!l) {
      problems.push(`commission ${d.commissionId} (${d.status}, ${d.amount} ${d.currency}) is on the dashboard but in no log entry`);
      continue;
    }
    const diff = COMPARED.filter((k) => l[k] !== d[k]).map((k) => `${k} ${String(d[k])} on the dashboard, ${String(l[k])} in the log`);
    if (diff.length) problems.push(`commission ${d.commissionId}: ${diff.join('; ')}`);
  }
  for (const l of logged.commissions.values()) {
    if (!shown.has(l.commissionId)) problems.push(`commission ${l.commissionId} (${l.status}, ${l.amount} ${l.currency}) is in the log but not on the dashboard`);
  }
  if (problems.length) {
    report.failures.push(...problems.slice(0, MAX_LINES));
    if (problems.length > MAX_LINES) report.failures.push(`… and ${problems.length - MAX_LINES} more differences between the dashboard and the log`);
    return;
  }
  report.checked.push(`the dashboard's ${dashboard.length} commission(s) match the log commission by commission; by status and currency: ${describeBuckets(bucketsOf(dashboard))}`);
}
