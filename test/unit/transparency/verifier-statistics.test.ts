import { describe, expect, it } from 'vitest';
import { compareWithStatisticsEntry, type DatedEntry } from '../../../src/transparency/verifier/daily-statistics.js';
import { newReport } from '../../../src/transparency/verifier/report.js';
import { affiliateStatistics, compareWithDashboard, type LoggedCommission } from '../../../src/transparency/verifier/statistics.js';

const ME = 'mem_me';
const commission = (id: string, status: string, amount: number, reversedAmount = 0, partnerMemberId = ME) => ({
  type: `commission.${status === 'pending' ? 'created' : status}`,
  commissionId: id,
  partnerMemberId,
  kind: 'sale',
  status,
  amount,
  reversedAmount,
  currency: 'EUR',
  payoutAmount: amount,
  payoutReversedAmount: reversedAmount,
  payoutCurrency: 'EUR',
});
const at = (entry: Record<string, unknown>, recordedAt: string): DatedEntry => ({ entry, recordedAt });

describe("an affiliate's figures recomputed from their entries", () => {
  const entries: DatedEntry[] = [
    at({ type: 'conversion.accepted', conversionId: 'c1', recordedAt: '2026-03-01T10:00:00.000Z' }, '2026-03-01T10:00:00.000Z'),
    at({ type: 'conversion.decided', conversionId: 'c1', partnerMemberId: ME }, '2026-03-01T10:00:01.000Z'),
    at(commission('k1', 'pending', 1_000), '2026-03-01T10:00:01.000Z'),
    at(commission('k2', 'pending', 500, 0, 'mem_other'), '2026-03-01T11:00:00.000Z'),
    at(commission('k1', 'reversed', 1_000, 400), '2026-03-01T23:59:59.999Z'),
    // After midnight: not part of 2026-03-01's figures.
    at(commission('k1', 'approved', 1_000, 400), '2026-03-02T00:00:00.000Z'),
  ];
  const stats = (commissions: unknown[], conversions = 1) =>
    at({ type: 'stats.affiliate.daily', partnerMemberId: ME, day: '2026-03-01', clicks: 3, conversions, commissions }, '2026-03-02T01:00:00.000Z');

  it('matches a daily statistics entry that says what the entries say, each commission as it stood at midnight', () => {
    const report = newReport();
    compareWithStatisticsEntry([...entries, stats([{ status: 'reversed', currency: 'EUR', payoutCurrency: 'EUR', count: 1, amount: 600, payoutAmount: 600 }])], ME, report);
    expect(report.failures).toEqual([]);
    expect(report.checked[0]).toMatch(/^the stats\.affiliate\.daily entry of 2026-03-01 matches the affiliate's entries: 1 conversion\(s\), commissions 1 × reversed EUR->EUR: 600 \(600 payout\)/);
  });

  it.each([
    [[{ status: 'reversed', currency: 'EUR', payoutCurrency: 'EUR', count: 1, amount: 1_000, payoutAmount: 1_000 }], 1, 'stats.affiliate.daily of 2026-03-01: 1 × reversed EUR->EUR: 600 (600 payout) recomputed, 1 × reversed EUR->EUR: 1000 (1000 payout) in the entry'],
    [[{ status: 'approved', currency: 'EUR', payoutCurrency: 'EUR', count: 1, amount: 600, payoutAmount: 600 }], 1, 'stats.affiliate.daily of 2026-03-01: 1 × reversed EUR->EUR: 600 (600 payout) recomputed, missing from the entry'],
    [[{ status: 'reversed', currency: 'EUR', payoutCurrency: 'EUR', count: 1, amount: 600, payoutAmount: 600 }], 2, 'stats.affiliate.daily of 2026-03-01: 2 conversion(s) in the entry, 1 recomputed'],
  ])('reports an entry that says otherwise: %j', (rows, conversions, failure) => {
    const report = newReport();
    compareWithStatisticsEntry([...entries, stats(rows, conversions)], ME, report);
    expect(report.failures).toContain(failure);
  });

  it('compares the dashboard with the log commission by commission', () => {
    const logged = affiliateStatistics(entries.map((e) => e.entry), ME);
    expect(logged.conversions).toBe(1);
    const shown: LoggedCommission = { ...(logged.commissions.get('k1') as LoggedCommission) };
    const ok = newReport();
    compareWithDashboard(logged, [shown], ok);
    expect(ok.failures).toEqual([]);

    const off = newReport();
    compareWithDashboard(logged, [{ ...shown, reversedAmount: 0 }, { ...shown, commissionId: 'k9' }], off);
    expect(off.failures).toEqual(['commission k1: reversedAmount 0 on the dashboard, 400 in the log', 'commission k9 (approved, 1000 EUR) is on the dashboard but in no log entry']);
  });
});
