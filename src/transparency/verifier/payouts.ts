import type { LogClient } from './fetch.js';
import type { VerificationReport } from './report.js';

type Entry = Record<string, unknown>;

/** A payout as the affiliate's entries show it: its `payout.paid` entry and the commissions paid by it. */
export interface LoggedPayout {
  payoutId: string;
  currency: string;
  amount: number;
  status: 'paid' | 'reversed';
  commissionIds: string[];
}

const MAX_LINES = 10;

/**
 * Checks that the affiliate's payouts tie back to their commissions, from their own entries
 * (oldest first): every `payout.paid` amount is the sum of the net payout amounts its commissions
 * were paid with (`commission.paid` entries naming that payout), every paid commission belongs to
 * a logged payout, and no commission is paid twice without its payout being reversed in between.
 * A statement line can then be proven entry by entry. Returns the payouts as logged.
 */
export function checkPayoutEntries(entries: readonly Entry[], memberId: string, report: VerificationReport): Map<string, LoggedPayout> {
  const problems: string[] = [];
  const payouts = new Map<string, LoggedPayout>();
  /** payoutId -> commission -> net payout amount and currency, from the commission.paid entries. */
  const paidCommissions = new Map<string, Map<string, { net: number; currency: string }>>();
  /** commission -> the payout currently paying it (cleared by commission.unpaid). */
  const paidBy = new Map<string, string>();

  for (const e of entries) {
    if (e.partnerMemberId !== memberId) continue;
    if (e.type === 'commission.paid') {
      const commissionId = String(e.commissionId);
      const payoutId = String(e.payoutId);
      const earlier = paidBy.get(commissionId);
      if (earlier !== undefined) problems.push(`commission ${commissionId} is paid by payout ${payoutId} while still paid by payout ${earlier}`);
      paidBy.set(commissionId, payoutId);
      const lines = paidCommissions.get(payoutId) ?? new Map<string, { net: number; currency: string }>();
      lines.set(commissionId, { net: Number(e.payoutAmount) - Number(e.payoutReversedAmount), currency: String(e.payoutCurrency) });
      paidCommissions.set(payoutId, lines);
    } else if (e.type === 'commission.unpaid') {
      paidBy.delete(String(e.commissionId));
    } else if (e.type === 'payout.paid') {
      const commissionIds = Array.isArray(e.commissionIds) ? e.commissionIds.map(String) : [];
      payouts.set(String(e.payoutId), { payoutId: String(e.payoutId), currency: String(e.currency), amount: Number(e.amount), status: 'paid', commissionIds });
    } else if (e.type === 'payout.reversed' && e.full === true) {
      const p = payouts.get(String(e.payoutId));
      if (p) p.status = 'reversed';
      else problems.push(`payout ${String(e.payoutId)} is reversed but was never logged as paid`);
    }
  }

  for (const p of payouts.values()) {
    const lines = paidCommissions.get(p.payoutId) ?? new Map();
    const missing = p.commissionIds.filter((id) => !lines.has(id));
    if (missing.length) problems.push(`payout ${p.payoutId} names commission(s) with no commission.paid entry for it: ${missing.slice(0, 5).join(', ')}`);
    const extra = [...lines.keys()].filter((id) => !p.commissionIds.includes(id));
    if (extra.length) problems.push(`commission(s) logged as paid by payout ${p.payoutId} are not in its payout.paid entry: ${extra.slice(0, 5).join(', ')}`);
    let sum = 0;
    for (const [id, line] of lines) {
      if (line.currency !== p.currency) problems.push(`commission ${id} was paid in ${line.currency} by payout ${p.payoutId} in ${p.currency}`);
      sum += line.net;
    }
    if (sum !== p.amount) problems.push(`payout ${p.payoutId} is ${p.amount} ${p.currency} but its commissions add up to ${sum}`);
  }
  for (const payoutId of paidCommissions.keys()) {
    if (!payouts.has(payoutId)) problems.push(`commissions are logged as paid by payout ${payoutId}, which has no payout.paid entry`);
  }

  if (problems.length) {
    report.failures.push(...problems.slice(0, MAX_LINES));
    if (problems.length > MAX_LINES) report.failures.push(`... and ${problems.length - MAX_LINES} more payout problem(s)`);
  } else if (payouts.size) {
    const paid = [...payouts.values()].filter((p) => p.status === 'paid');
    report.checked.push(`payouts: ${payouts.size} logged (${paid.length} paid, ${payouts.size - paid.length} reversed); each adds up to the commissions logged as paid by it, and no commission is paid twice`);
  }
  return payouts;
}

/** A payout as the affiliate's payouts API shows it. */
export interface ShownPayout {
  id: string;
  currency: string;
  amount: number;
  status: string;
}

/** Every payout the affiliate's payouts API lists (all pages). */
export async function dashboardPayouts(client: LogClient, token: string, programId: string, memberId: string): Promise<ShownPayout[]> {
  const out: ShownPayout[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: ShownPayout[]; nextCursor: string | null } = await client.json(
      `/v1/programs/${encodeURIComponent(programId)}/affiliates/${encodeURIComponent(memberId)}/payouts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The payouts API against the log: a payout shown as paid (or reversed) must be logged as such,
 * with the same amount and currency, and every logged payout must be shown. Payouts not yet paid
 * (pending, processing, failed) move no money and have no `payout.paid` entry.
 */
export function comparePayoutsWithDashboard(logged: ReadonlyMap<string, LoggedPayout>, shown: readonly ShownPayout[], report: VerificationReport): void {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const s of shown) {
    listed.add(s.id);
    const l = logged.get(s.id);
    if (s.status !== 'paid' && s.status !== 'reversed') {
      if (l) problems.push(`payout ${s.id} is ${s.status} on the dashboard but logged as ${l.status}`);
      continue;
    }
    if (!l) {
      problems.push(`payout ${s.id} (${s.status}, ${s.amount} ${s.currency}) is on the dashboard but in no payout.paid entry`);
      continue;
    }
    if (l.amount !== s.amount || l.currency !== s.currency) problems.push(`payout ${s.id}: ${s.amount} ${s.currency} on the dashboard, ${l.amount} ${l.currency} in the log`);
    if (l.status !== s.status) problems.push(`payout ${s.id} is ${s.status} on the dashboard but ${l.status} in the log`);
  }
  for (const id of logged.keys()) if (!listed.has(id)) problems.push(`payout ${id} is logged but not on the dashboard`);
  if (problems.length) {
    report.failures.push(...problems.slice(0, MAX_LINES));
    if (problems.length > MAX_LINES) report.failures.push(`... and ${problems.length - MAX_LINES} more payout difference(s)`);
  } else if (shown.length) {
    report.checked.push(`payouts API: ${shown.length} payout(s) shown, each paid one matching its log entries`);
  }
}
