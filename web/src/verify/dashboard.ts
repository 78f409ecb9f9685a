import type { EntryResult } from './entries';

/** The fields of a commission that both the log and the dashboard show (GET /v1/programs/{programId}/commissions). */
export interface ComparedCommission {
  kind: string;
  status: string;
  amount: number;
  reversedAmount: number;
  currency: string;
  payoutAmount: number;
  payoutReversedAmount: number;
  payoutCurrency: string;
}

export interface DashboardCommission extends ComparedCommission {
  id: string;
}

const COMPARED = ['kind', 'status', 'amount', 'reversedAmount', 'currency', 'payoutAmount', 'payoutReversedAmount', 'payoutCurrency'] as const;

export interface CommissionMismatch {
  commissionId: string;
  /** `not_in_log`, `not_on_dashboard` or `differs` (web-verify:dashboard.<code>). */
  code: 'not_in_log' | 'not_on_dashboard' | 'differs';
  fields: string[];
}

/**
 * Each commission as its latest verified entry shows it: every commission.* entry carries the
 * whole commission after the change, so the last one (by log order) is its state now.
 */
export function latestCommissions(results: readonly EntryResult[]): Map<string, ComparedCommission> {
  const ordered = results
    .filter((r) => r.status !== 'failed' && r.parsed && r.type.startsWith('commission.'))
    .sort((a, b) => (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER) || a.recordedAt.localeCompare(b.recordedAt));
  const out = new Map<string, ComparedCommission>();
  for (const r of ordered) {
    const e = r.parsed!;
    out.set(String(e.commissionId), {
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
  return out;
}

/** The dashboard against the log, commission by commission, both ways. */
export function compareWithDashboard(logged: Map<string, ComparedCommission>, dashboard: readonly DashboardCommission[]): CommissionMismatch[] {
  const problems: CommissionMismatch[] = [];
  const shown = new Set<string>();
  for (const d of dashboard) {
    shown.add(d.id);
    const l = logged.get(d.id);
    if (!l) {
      problems.push({ commissionId: d.id, code: 'not_in_log', fields: [] });
      continue;
    }
    const fields = COMPARED.filter((k) => l[k] !== d[k]);
    if (fields.length) problems.push({ commissionId: d.id, code: 'differs', fields });
  }
  for (const id of logged.keys()) if (!shown.has(id)) problems.push({ commissionId: id, code: 'not_on_dashboard', fields: [] });
  return problems;
}
