import { describe, expect, it } from 'vitest';
import { boundIssues, commissionBoundsOf, defaultCommissionBounds, type BoundedTerms } from '../../../src/payouts/policies/bounds.js';

describe('default commission bounds', () => {
  it.each([
    // 1,000 major units in the currency's minor units...
    { currency: 'EUR', amount: 100_000 },
    { currency: 'BRL', amount: 100_000 },
    { currency: 'USD', amount: 100_000 },
    { currency: 'BHD', amount: 1_000_000 },
    { currency: 'KWD', amount: 1_000_000 },
    // ...and 100,000 units where there are no minor units.
    { currency: 'JPY', amount: 100_000 },
    { currency: 'KRW', amount: 100_000 },
  ])('$currency: $amount minor units per signup and per sale, 50% of a sale', ({ currency, amount }) => {
    expect(defaultCommissionBounds(currency)).toEqual({ maxSignupAmount: amount, maxSaleAmount: amount, maxPercentBps: 5_000 });
  });

  it('takes what an admin set over each default, and says whether they set any', () => {
    const stored = { currency: 'EUR', commissionMaxSignupAmount: null, commissionMaxSaleAmount: null, commissionMaxPercentBps: null };
    expect(commissionBoundsOf(stored)).toEqual({ maxSignupAmount: 100_000, maxSaleAmount: 100_000, maxPercentBps: 5_000, setByAdmin: false });
    expect(commissionBoundsOf({ ...stored, commissionMaxSignupAmount: 250_000 })).toEqual({ maxSignupAmount: 250_000, maxSaleAmount: 100_000, maxPercentBps: 5_000, setByAdmin: true });
    expect(commissionBoundsOf({ ...stored, commissionMaxPercentBps: 0 })).toMatchObject({ maxPercentBps: 0, setByAdmin: true });
  });
});

describe('terms against bounds', () => {
  const bounds = { maxSignupAmount: 100_000, maxSaleAmount: 50_000, maxPercentBps: 3_000 };
  const signup: BoundedTerms = { currency: 'EUR', signupAmount: 500, percentBps: null, flatAmount: 0, minAmount: null };
  const sale: BoundedTerms = { currency: 'EUR', signupAmount: null, percentBps: 1_000, flatAmount: 0, minAmount: null };
  const issue = (field: string, limit: number) => ({ field, reason: `must be at most ${limit}: the market's bound (an admin may raise it)`, code: 'too_big', limit });

  it.each([
    { name: 'a signup bounty at the bound', terms: { ...signup, signupAmount: 100_000 }, issues: [] },
    { name: '2,147,483,647 minor units per signup', terms: { ...signup, signupAmount: 2_147_483_647 }, issues: [issue('signupAmount', 100_000)] },
    { name: 'one cent over per signup', terms: { ...signup, signupAmount: 100_001 }, issues: [issue('signupAmount', 100_000)] },
    { name: 'a share at the bound', terms: { ...sale, percentBps: 3_000 }, issues: [] },
    { name: 'a share over it', terms: { ...sale, percentBps: 3_001 }, issues: [issue('percentBps', 3_000)] },
    { name: 'a flat part over the per-sale bound', terms: { ...sale, flatAmount: 50_001 }, issues: [issue('flatAmount', 50_000)] },
    { name: 'a minimum over the per-sale bound', terms: { ...sale, minAmount: 60_000 }, issues: [issue('minAmount', 50_000)] },
    { name: 'every field over at once', terms: { ...sale, signupAmount: 100_001, percentBps: 9_000, flatAmount: 50_001, minAmount: 50_001 }, issues: ['signupAmount', 'percentBps', 'flatAmount', 'minAmount'].map((f) => issue(f, f === 'signupAmount' ? 100_000 : f === 'percentBps' ? 3_000 : 50_000)) },
  ])('$name', ({ terms, issues }) => {
    expect(boundIssues(terms, bounds, 'EUR', null)).toEqual(issues);
  });

  it('compares terms in another currency at the rate, respecting both currencies’ minor digits', () => {
    // 1 EUR = 160 JPY: 1,000.00 EUR is 160,000 JPY.
    expect(boundIssues({ ...signup, currency: 'JPY', signupAmount: 160_000 }, bounds, 'EUR', '160')).toEqual([]);
    expect(boundIssues({ ...signup, currency: 'JPY', signupAmount: 160_001 }, bounds, 'EUR', '160')).toEqual([issue('signupAmount', 160_000)]);
    // 1 EUR = 0.41 BHD: 500.00 EUR is 205.000 BHD.
    expect(boundIssues({ ...sale, currency: 'BHD', flatAmount: 205_001 }, bounds, 'EUR', '0.41')).toEqual([issue('flatAmount', 205_000)]);
  });

  it('refuses the currency when no rate lets it be compared', () => {
    expect(boundIssues({ ...signup, currency: 'USD' }, bounds, 'EUR', null)).toEqual([
      { field: 'currency', reason: "cannot be checked against the market's commission bounds in EUR: no EUR->USD exchange rate is set", code: 'invalid' },
    ]);
  });
});
