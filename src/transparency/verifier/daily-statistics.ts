import type { VerificationReport } from './report.js';

/** One of the affiliate's entries in the tree, with when it was recorded (from the receipts list, else its own time field). */
export interface DatedEntry {
  entry: Record<string, unknown>;
  recordedAt: string | undefined;
}

interface StatsRow {
  status: string;
  currency: string;
  payoutCurrency: string;
  count: number;
  amount: number;
  payoutAmount: number;
}

const DAY_MS = 86_400_000;
const rowKey = (r: Pick<StatsRow, 'status' | 'currency' | 'payoutCurrency'>) => `${r.status} ${r.currency}->${r.payoutCurrency}`;
const describeRow = (r: StatsRow) => `${r.count} × ${rowKey(r)}: ${r.amount} (${r.payoutAmount} payout)`;

/**
 * The affiliate's latest `stats.affiliate.daily` entry against the same figures recomputed from
 * their own entries: each commission as its latest entry recorded before that day's end, grouped by
 * status and currencies, and the conversions credited to them that were recorded that day. Clicks
 * are not in the log, so they are shown, not checked.
 */
export function compareWithStatisticsEntry(entries: readonly DatedEntry[], memberId: string, report: VerificationReport): void {
  const mine = entries.filter((e) => e.entry.partnerMemberId === memberId);
  const statsEntries = mine.filter((e) => e.entry.type === 'stats.affiliate.daily');
  if (statsEntries.length === 0) {
    report.checked.push(`no stats.affiliate.daily entry for ${memberId} in the tree yet (one is written for each ended day with activity)`);
    return;
  }
  const latest = statsEntries.reduce((a, b) => (String(b.entry.day) >= String(a.entry.day) ? b : a)).entry;
  const day = String(latest.day);
  const end = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString();
  const before = (e: DatedEntry) => (e.recordedAt ?? String(e.entry.at ?? e.entry.decidedAt ?? '')) < end;

  const lastState = new Map<string, Record<string, unknown>>();
  for (const e of mine) if (String(e.entry.type).startsWith('commission.') && before(e)) lastState.set(String(e.entry.commissionId), e.entry);
  const recomputed = new Map<string, StatsRow>();
  for (const c of lastState.values()) {
    const row: StatsRow = { status: String(c.status), currency: String(c.currency), payoutCurrency: String(c.payoutCurrency), count: 0, amount: 0, payoutAmount: 0 };
    const acc = recomputed.get(rowKey(row)) ?? row;
    acc.count++;
    acc.amount += Number(c.amount) - Number(c.reversedAmount);
    acc.payoutAmount += Number(c.payoutAmount) - Number(c.payoutReversedAmount);
    recomputed.set(rowKey(acc), acc);
  }

  // Conversions credited to them (their conversion.decided entries) whose conversion.accepted says it was recorded that day.
  const recordedOn = new Map<string, string>();
  for (const e of entries) if (e.entry.type === 'conversion.accepted') recordedOn.set(String(e.entry.conversionId), String(e.entry.recordedAt).slice(0, 10));
  const credited = new Set<string>();
  for (const e of mine) if (e.entry.type === 'conversion.decided' && recordedOn.get(String(e.entry.conversionId)) === day) credited.add(String(e.entry.conversionId));

  const problems: string[] = [];
  const logged = new Map(((latest.commissions as StatsRow[] | undefined) ?? []).map((r) => [rowKey(r), r]));
  for (const [key, row] of recomputed) {
    const l = logged.get(key);
    if (!l) problems.push(`${describeRow(row)} recomputed, missing from the entry`);
    else if (l.count !== row.count || l.amount !== row.amount || l.payoutAmount !== row.payoutAmount) problems.push(`${describeRow(row)} recomputed, ${describeRow(l)} in the entry`);
  }
  for (const [key, l] of logged) if (!recomputed.has(key)) problems.push(`${describeRow(l)} in the entry, no such commissions recomputed`);
  if (Number(latest.conversions) !== credited.size) problems.push(`${String(latest.conversions)} conversion(s) in the entry, ${credited.size} recomputed`);

  if (problems.length) {
    for (const p of problems) report.failures.push(`stats.affiliate.daily of ${day}: ${p}`);
    return;
  }
  report.checked.push(
    `the stats.affiliate.daily entry of ${day} matches the affiliate's entries: ${credited.size} conversion(s), commissions ${[...recomputed.values()].map(describeRow).join(', ') || 'none'} (clicks ${String(latest.clicks)}, not in the log)`,
  );
}
