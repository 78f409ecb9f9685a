import { describe, expect, it } from 'vitest';
import { newReport } from '../../../src/transparency/verifier/report.js';
import { checkPayoutEntries, comparePayoutsWithDashboard } from '../../../src/transparency/verifier/payouts.js';

const ME = 'mem_me';

const paid = (commissionId: string, payoutId: string, payoutAmount: number, payoutReversedAmount = 0, partnerMemberId = ME) => ({
  type: 'commission.paid',
  commissionId,
  payoutId,
  partnerMemberId,
  payoutAmount,
  payoutReversedAmount,
  payoutCurrency: 'EUR',
});
const payout = (payoutId: string, amount: number, commissionIds: string[], currency = 'EUR') => ({ type: 'payout.paid', payoutId, partnerMemberId: ME, amount, currency, commissionIds });
const unpaid = (commissionId: string, payoutId: string) => ({ type: 'commission.unpaid', commissionId, payoutId, partnerMemberId: ME });
const reversed = (payoutId: string) => ({ type: 'payout.reversed', payoutId, partnerMemberId: ME, full: true });

describe('checkPayoutEntries', () => {
  it('accepts payouts that add up to their paid commissions, clawbacks and partial refunds netted', () => {
    const report = newReport();
    const payouts = checkPayoutEntries([paid('c1', 'p1', 5000), paid('c2', 'p1', 3000, 1000), paid('c3', 'p1', -500), payout('p1', 6500, ['c3', 'c1', 'c2'])], ME, report);
    expect(report.failures).toEqual([]);
    expect(report.checked[0]).toMatch(/1 logged \(1 paid, 0 reversed\)/);
    expect(payouts.get('p1')).toMatchObject({ amount: 6500, status: 'paid' });
  });

  it('reports a payout whose amount differs from its commissions', () => {
    const report = newReport();
    checkPayoutEntries([paid('c1', 'p1', 5000), payout('p1', 5100, ['c1'])], ME, report);
    expect(report.failures).toEqual(['payout p1 is 5100 EUR but its commissions add up to 5000']);
  });

  it('reports a commission named by a payout but never logged as paid, and the reverse', () => {
    const report = newReport();
    checkPayoutEntries([paid('c1', 'p1', 5000), paid('c9', 'p2', 100), payout('p1', 5000, ['c1', 'c2'])], ME, report);
    expect(report.failures).toEqual([
      'payout p1 names commission(s) with no commission.paid entry for it: c2',
      'commissions are logged as paid by payout p2, which has no payout.paid entry',
    ]);
  });

  it('reports a commission paid twice, unless its first payout was reversed in between', () => {
    const twice = newReport();
    checkPayoutEntries([paid('c1', 'p1', 5000), payout('p1', 5000, ['c1']), paid('c1', 'p2', 5000), payout('p2', 5000, ['c1'])], ME, twice);
    expect(twice.failures).toEqual(['commission c1 is paid by payout p2 while still paid by payout p1']);

    const again = newReport();
    checkPayoutEntries([paid('c1', 'p1', 5000), payout('p1', 5000, ['c1']), unpaid('c1', 'p1'), reversed('p1'), paid('c1', 'p2', 5000), payout('p2', 5000, ['c1'])], ME, again);
    expect(again.failures).toEqual([]);
    expect(again.checked[0]).toMatch(/2 logged \(1 paid, 1 reversed\)/);
  });

  it("ignores other affiliates' entries and says nothing when there are no payouts", () => {
    const report = newReport();
    checkPayoutEntries([paid('c1', 'p1', 5000, 0, 'mem_other')], ME, report);
    expect(report).toEqual({ checked: [], failures: [] });
  });
});

describe('comparePayoutsWithDashboard', () => {
  const logged = () => checkPayoutEntries([paid('c1', 'p1', 5000), payout('p1', 5000, ['c1'])], ME, newReport());

  it('accepts a dashboard that shows every logged payout as logged, and open payouts that are not logged', () => {
    const report = newReport();
    comparePayoutsWithDashboard(logged(), [{ id: 'p1', amount: 5000, currency: 'EUR', status: 'paid' }, { id: 'p2', amount: 700, currency: 'EUR', status: 'pending' }], report);
    expect(report.failures).toEqual([]);
    expect(report.checked).toEqual(['payouts API: 2 payout(s) shown, each paid one matching its log entries']);
  });

  it('reports a paid payout the log does not have, a different amount, and a logged payout not shown', () => {
    const shownOther = newReport();
    comparePayoutsWithDashboard(logged(), [{ id: 'p9', amount: 100, currency: 'EUR', status: 'paid' }], shownOther);
    expect(shownOther.failures).toEqual(['payout p9 (paid, 100 EUR) is on the dashboard but in no payout.paid entry', 'payout p1 is logged but not on the dashboard']);

    const shaved = newReport();
    comparePayoutsWithDashboard(logged(), [{ id: 'p1', amount: 4900, currency: 'EUR', status: 'paid' }], shaved);
    expect(shaved.failures).toEqual(['payout p1: 4900 EUR on the dashboard, 5000 EUR in the log']);
  });
});
